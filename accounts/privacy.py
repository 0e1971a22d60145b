"""A person's own data: see it, download it, delete the account (Law 91/2025/QH15).

accounts knows only the account itself. Every app that holds personal data tied
to an account registers a provider here from its AppConfig.ready(): how to export
that data and how to erase it when the account is deleted. The providers run in
registration order (the order of INSTALLED_APPS).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from config.errors import ClientError

from .models import User
from .roles import STAFF_ROLES, user_roles


@dataclass(frozen=True)
class Provider:
    """One app's personal data: `export` returns its sections of the download
    (section name -> JSON-ready data); `erase` runs, in the deletion's
    transaction, just before the account row is deleted."""

    name: str
    export: Callable[[User], dict[str, Any]]
    erase: Callable[[User], None] | None = None


_providers: dict[str, Provider] = {}


def register(
    name: str,
    *,
    export: Callable[[User], dict[str, Any]],
    erase: Callable[[User], None] | None = None,
) -> Provider:
    """Register an app's personal-data provider; the same one twice is a no-op."""
    provider = Provider(name=name, export=export, erase=erase)
    if _providers.setdefault(name, provider) != provider:
        raise ImproperlyConfigured(f"Privacy provider {name!r} is registered twice.")
    return provider


def providers() -> list[Provider]:
    return list(_providers.values())


def account_data(user: User) -> dict:
    """Return everything the platform holds that is tied to this account."""
    data: dict[str, Any] = {
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
    }
    for provider in providers():
        sections = provider.export(user)
        if clash := data.keys() & sections.keys():
            raise ImproperlyConfigured(
                f"Privacy provider {provider.name!r} repeats sections {sorted(clash)}."
            )
        data.update(sections)
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a resident's account, after each provider has erased its data.

    What stays is each provider's rule (reports stay, no longer linked to the
    person, for instance). Staff accounts are refused: their decisions are part
    of the contest's audit trail.
    """
    if user_roles(user) & STAFF_ROLES or user.is_staff or user.is_superuser:
        raise ClientError(
            "staff_account",
            _(
                "Tài khoản có vai trò trong Ban Tổ chức, Ban Giám khảo, Thư ký, IOC hoặc "
                "Tổ giúp việc không tự xoá được; hãy liên hệ Ban Tổ chức."
            ),
            status=409,
        )
    for provider in providers():
        if provider.erase is not None:
            provider.erase(user)
    try:
        user.delete()
    except ProtectedError as exc:  # e.g. a record that must be kept for the audit
        raise ClientError(
            "protected",
            _("Tài khoản còn gắn với hồ sơ cần lưu; hãy liên hệ Ban Tổ chức."),
            status=409,
        ) from exc
