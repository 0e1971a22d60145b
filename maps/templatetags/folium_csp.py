"""`{{ map.header|csp_nonce:request }}`: folium's <head> part with the page's CSP nonce."""

from django import template
from django.utils.safestring import mark_safe

from maps.assets import with_nonce

register = template.Library()


@register.filter
def csp_nonce(html: str, request) -> str:
    """Return folium's rendered HTML (trusted: our own map code) with the nonce."""
    return mark_safe(with_nonce(str(html), str(request.csp_nonce)))  # noqa: S308
