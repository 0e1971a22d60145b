"""Public hotspot pages and the organisers' moderation queue (being written)."""

from django.http import Http404


def _pending(*args, **kwargs):
    raise Http404


hotspot_list_page = hotspot_detail_page = queue_page = queue_action = _pending
