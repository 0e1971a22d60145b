"""Write paths for accounts: sign-up and role assignment."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import User
from .phones import normalize_phone
from .roles import Role


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], replace: bool = False) -> User:
    """Give the user the roles (groups); with replace, remove the platform roles not listed."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    if replace:
        user.groups.remove(
            *Group.objects.filter(name__in=Role.values).exclude(name__in=roles)
        )
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    user._role_names = None
    return user


@transaction.atomic
def user_sign_up(*, identifier: str, password: str) -> User:
    """Create a resident from an email or a phone number; the caller checked consent."""
    email, phone = "", ""
    if "@" in identifier:
        email = identifier.strip().lower()
        username = email
    else:
        phone = normalize_phone(identifier) or ""
        if not phone:
            raise ValueError("invalid phone")
        username = phone
    user = User(
        username=username,
        email=email,
        phone=phone,
        terms_version=settings.TERMS_VERSION,
        terms_accepted_at=timezone.now(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user_set_roles(user=user, roles=[Role.RESIDENT])
    return user


@transaction.atomic
def user_upsert(
    *, username: str, role: str, email: str = "", password: str | None = None
) -> tuple[User, bool]:
    """Create or update a user with the role; return (user, created)."""
    user, created = User.objects.get_or_create(username=username)
    if email:
        user.email = email
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if role in {Role.ORGANISER, Role.HELPER}:
        # Organisers and helpers run the platform, including the Django admin.
        user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=[role])
    return user, created
