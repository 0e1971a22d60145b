"""Personal data of hotspots tied to an account: the reports and confirmations a
person made (registered with accounts.privacy by HotspotsConfig.ready)."""

from typing import Any

from .models import Confirmation, Hotspot, HotspotHistory


def account_export(user) -> dict[str, Any]:
    """Return the person's reports and the hotspots they confirmed."""
    hotspots = (
        Hotspot.objects.filter(reporter=user)
        .select_related("size_class")
        .order_by("id")
    )
    return {
        "hotspots_reported": [
            {
                "id": h.pk,
                "category": h.category,
                "size_class": h.size_class.key,
                "status": h.status,
                "lon": h.location.x,
                "lat": h.location.y,
                "description": h.description,
                "created_at": h.created_at.isoformat(),
            }
            for h in hotspots
        ],
        "confirmations": list(
            Confirmation.objects.filter(user=user)
            .order_by("id")
            .values_list("hotspot_id", flat=True)
        ),
    }


def account_erase(user) -> None:
    """Unlink the person from their reports, confirmations and history lines.

    The reports stay (a place's litter is not personal data) and confirmations
    keep counting. The foreign keys' SET_NULL would do the same on deletion;
    it is done here so the rule is stated, and kept, where the data lives.
    """
    Hotspot.objects.filter(reporter=user).update(reporter=None)
    Confirmation.objects.filter(user=user).update(user=None)
    HotspotHistory.objects.filter(actor=user).update(actor=None)


def contact_deleted(sender, instance, **kwargs) -> None:
    """A reporter's contact is gone (withdrawn, or its hotspot deleted): so is its
    email address on the notifications sent to it, unless another report of
    theirs still holds it with consent."""
    from notifications.services import email_forget

    from .models import ReporterContact

    email = (instance.email or "").strip()
    if email and not ReporterContact.objects.filter(email__iexact=email).exists():
        email_forget(email=email)
