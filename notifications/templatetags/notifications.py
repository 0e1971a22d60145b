"""{% unread_badge %}: the header's link to the notification list, with the count."""

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/badge.html", takes_context=True)
def unread_badge(context):
    """Only for signed-in users: one COUNT query on the partial unread index."""
    request = context.get("request")
    user = getattr(request, "user", None)
    count = unread_count(user=user)
    return {"count": count}
