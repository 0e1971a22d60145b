"""Read paths of the contest."""

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.access import can_see_private
from events.models import Campaign, Consent, Entrant


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


# --- consents --------------------------------------------------------------------

# Consents are evidence, never edited: each answer is a new row, and the latest
# (by time, then id) is the entrant's current answer for its purpose.
CONSENT_ORDER = ("at", "id")


def _answered(consent: Consent) -> tuple:
    return tuple(getattr(consent, name) for name in CONSENT_ORDER)


def latest_consents(entrant: Entrant) -> dict[str, Consent]:
    """Return the entrant's current answer per purpose it was asked about.

    Reads entrant.consents.all(), so prefetch_related("consents") serves a list.
    """
    latest: dict[str, Consent] = {}
    for consent in entrant.consents.all():
        current = latest.get(consent.purpose)
        if current is None or _answered(consent) > _answered(current):
            latest[consent.purpose] = consent
    return latest


def latest_consent(entrant: Entrant, purpose: str) -> bool:
    """Return whether the entrant's current answer for the purpose is yes."""
    consent = latest_consents(entrant).get(purpose)
    return bool(consent and consent.granted)


def latest_granted(purpose: str, *, entrant_ref: str = "entrant") -> Subquery:
    """Return, for .annotate(), the outer row's entrant's current answer for the
    purpose (True, False, or None if never asked); `entrant_ref` names the
    outer row's entrant column."""
    answers = Consent.objects.filter(entrant=OuterRef(entrant_ref), purpose=purpose)
    newest_first = [f"-{name}" for name in CONSENT_ORDER]
    return Subquery(answers.order_by(*newest_first).values("granted")[:1])
