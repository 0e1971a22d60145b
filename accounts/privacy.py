"""A person's own data: see it, download it, delete the account (Law 91/2025/QH15)."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from config.errors import ClientError

from .models import User
from .roles import STAFF_ROLES, user_roles


def account_data(user: User) -> dict:
    """Return everything the platform holds that is tied to this account."""
    from events.models import Entrant
    from hotspots.models import Confirmation, Hotspot

    hotspots = (
        Hotspot.objects.filter(reporter=user)
        .select_related("size_class")
        .order_by("id")
    )
    return {
        "account": {
            "username": user.username,
            "email": user.email,
            "phone": user.phone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "terms_version": user.terms_version,
            "terms_accepted_at": user.terms_accepted_at.isoformat()
            if user.terms_accepted_at
            else None,
            "roles": sorted(user_roles(user)),
        },
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
        "entrants_represented": [
            {
                "id": e.pk,
                "campaign": e.campaign.slug,
                "name": e.name,
                "status": e.status,
            }
            for e in Entrant.objects.filter(representative=user).select_related(
                "campaign"
            )
        ],
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a resident's account. Their reports stay, no longer linked to them;
    an entrant they represent keeps its figures (its contact data is handled by
    the contest's own deletion request). Staff accounts are refused: their
    decisions are part of the contest's audit trail."""
    if user_roles(user) & STAFF_ROLES or user.is_staff or user.is_superuser:
        raise ClientError(
            "staff_account",
            _(
                "Tài khoản có vai trò trong Ban Tổ chức, Ban Giám khảo, Thư ký, IOC hoặc "
                "Tổ giúp việc không tự xoá được; hãy liên hệ Ban Tổ chức."
            ),
            status=409,
        )
    try:
        user.delete()
    except ProtectedError as exc:  # e.g. a record that must be kept for the audit
        raise ClientError(
            "protected",
            _("Tài khoản còn gắn với hồ sơ cần lưu; hãy liên hệ Ban Tổ chức."),
            status=409,
        ) from exc
