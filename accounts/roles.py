"""The platform's roles, as Django groups named exactly as written here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Người dân")
    ORGANISER = "organiser", _("Ban Tổ chức")
    JUDGE = "judge", _("Ban Giám khảo")
    SECRETARY = "secretary", _("Thư ký")
    IOC = "ioc", _("Trung tâm IOC")
    HELPER = "helper", _("Tổ giúp việc")


STAFF_ROLES = frozenset(
    {Role.ORGANISER, Role.JUDGE, Role.SECRETARY, Role.IOC, Role.HELPER}
)


def has_role(user, role: str) -> bool:
    """Return whether the user holds the role (superusers hold every role)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return role in user_roles(user)


def user_roles(user) -> set[str]:
    """Return the role names of a user, cached on the instance for one request."""
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._role_names = cached
    return cached
