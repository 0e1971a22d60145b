"""Read paths of the contest."""

from django.db.models import QuerySet

from accounts.access import can_see_private
from events.models import Campaign, Entrant


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.prefetch_related("prizes").order_by("-activity_start")


def entrant_list_for(user, *, campaign: Campaign | None = None) -> QuerySet[Entrant]:
    """Organisers, judges and the secretary see all entrants; others their own."""
    queryset = Entrant.objects.select_related("campaign", "contact").prefetch_related(
        "members", "consents"
    )
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if can_see_private(user):
        return queryset.order_by("campaign", "status", "name")
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(representative=user).order_by("campaign", "name")


def entrant_for_representative(
    user, *, campaign: Campaign | None = None
) -> Entrant | None:
    """Return the user's own entrant (in the campaign, else the most recent)."""
    if not user.is_authenticated:
        return None
    queryset = Entrant.objects.filter(representative=user).select_related("campaign")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.order_by("-registered_at").first()


def current_campaign() -> Campaign | None:
    """Return the campaign people act in now: the latest that has started registering."""
    from django.utils import timezone

    today = timezone.localdate()
    started = Campaign.objects.filter(registration_start__lte=today).order_by(
        "-activity_start"
    )
    return started.first() or Campaign.objects.order_by("activity_start").first()


def campaign_by_slug(slug: str) -> Campaign | None:
    """Return the campaign with this slug, or None (any client string is safe here)."""
    return Campaign.objects.filter(slug=slug[:80]).first()
