"""Who may enter: members of the organising committee, the jury, the secretariat and
the helpers may not register, represent, or be listed as a member (plan 1518, II.2).

Matched by account (global roles and the campaign's own staff list) and by the
phone number or email of any such account.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.access import CONTEST_EXCLUDED_ROLES
from accounts.phones import normalize_phone
from events.models import Campaign, CampaignRole


def _staff_users(campaign: Campaign):
    User = get_user_model()
    return User.objects.filter(
        Q(groups__name__in=CONTEST_EXCLUDED_ROLES)
        | Q(
            campaign_roles__campaign=campaign,
            campaign_roles__role__in=CONTEST_EXCLUDED_ROLES,
        )
    ).distinct()


def _role_names(user, campaign: Campaign) -> list[str]:
    names = set(
        user.groups.filter(name__in=CONTEST_EXCLUDED_ROLES).values_list(
            "name", flat=True
        )
    )
    names |= set(
        CampaignRole.objects.filter(
            campaign=campaign, user=user, role__in=CONTEST_EXCLUDED_ROLES
        ).values_list("role", flat=True)
    )
    labels = dict(CampaignRole.Role.choices)
    return sorted(str(labels.get(name, name)) for name in names)


def account_reason(user, campaign: Campaign) -> str | None:
    """Return why this account may not enter the campaign, or None."""
    if user is None or not user.is_authenticated:
        return None
    roles = _role_names(user, campaign)
    if roles:
        return _(
            "Tài khoản này thuộc %(roles)s của cuộc thi nên không được dự thi "
            "(theo thể lệ, mục II.2)."
        ) % {"roles": ", ".join(roles)}
    return None


def contact_reason(
    campaign: Campaign, *, phone: str = "", email: str = ""
) -> str | None:
    """Return why a person with this phone or email may not enter, or None."""
    staff = _staff_users(campaign)
    phone = normalize_phone(phone) if phone else ""
    matches = Q()
    if phone:
        matches |= Q(phone=phone)
    if email:
        matches |= Q(email__iexact=email.strip())
    if not matches or not staff.filter(matches).exists():
        return None
    return _(
        "Số điện thoại hoặc email này thuộc một thành viên Ban Tổ chức, Ban Giám khảo, "
        "Thư ký hoặc Tổ giúp việc, nên không được dự thi (theo thể lệ, mục II.2)."
    )
