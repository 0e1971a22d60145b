"""Read paths for notifications: a user's list and their unread count."""

from django.db.models import QuerySet

from .models import Notification, Preference

LIST_SIZE = 100


def notification_list(*, user) -> QuerySet[Notification]:
    """Return the user's newest notifications first (the most recent LIST_SIZE)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[
        :LIST_SIZE
    ]


def unread_count(*, user) -> int:
    """Return how many of the user's notifications are unread (one indexed query)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_of(*, user) -> Preference | None:
    return Preference.objects.filter(user=user).first()
