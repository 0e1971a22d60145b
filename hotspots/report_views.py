"""The reporting page ("Báo cáo điểm nóng") and the reporter's follow page."""

from django.http import Http404


def _pending(*args, **kwargs):
    raise Http404


report_page = follow_page = _pending
