"""Who may do what: role sets, page decorators, API permissions, admin access.

One home for access rules, so a page, its API, its export and the admin agree on
who gets in. Pages send anonymous visitors to log in and refuse others with 403; APIs answer
with DRF permissions carrying a Vietnamese message. Pages that show personal data
are sent with `no_store`.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from accounts.roles import Role, has_role

# --- role sets ---------------------------------------------------------------------

# The jury side of the contest: they see participants' names, contacts and flags.
JURY_ROLES = (Role.ORGANISER, Role.JUDGE, Role.SECRETARY)
# Who may download results exports, other winners' certificates and the zip.
RESULTS_EXPORT_ROLES = (Role.ORGANISER, Role.SECRETARY)
# Who may publish frozen results.
PUBLISH_ROLES = (Role.ORGANISER, Role.SECRETARY)
# The IOC dashboard and its link in the menu.
DASHBOARD_ROLES = (Role.IOC, Role.ORGANISER, Role.SECRETARY)
# The heatmap (it shows unverified reports' density).
HEATMAP_ROLES = (Role.IOC, Role.ORGANISER)
# Staff who run the platform in the admin.
ADMIN_ROLES = (Role.ORGANISER, Role.HELPER)
# Plan 1518, II.2: the organising committee, the jury, the secretary and the
# helpers may not take part in the contest.
CONTEST_EXCLUDED_ROLES = (Role.ORGANISER, Role.JUDGE, Role.SECRETARY, Role.HELPER)


def has_any_role(user, roles: Iterable[str]) -> bool:
    """Return whether the user holds at least one of the roles."""
    return any(has_role(user, role) for role in roles)


def can_see_private(user) -> bool:
    """Return whether the user is on the jury side (personal data, flags)."""
    return has_any_role(user, JURY_ROLES)


# --- pages -------------------------------------------------------------------------


def _to_login(request, fallback: str | None) -> HttpResponse:
    """Send an anonymous visitor to log in, then back.

    A POST-only URL cannot be returned to with GET: after logging in, a visitor
    who posted there lands on `fallback` (a URL name) when one is given.
    """
    if request.method in ("GET", "HEAD") or fallback is None:
        return redirect_to_login(request.get_full_path())
    return redirect_to_login(reverse(fallback))


def login_required_page(
    view: Callable | None = None, *, fallback: str | None = None
) -> Callable:
    """Let signed-in users in; send anonymous visitors to log in."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _to_login(request, fallback)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


def roles_required(*roles: str, fallback: str | None = None) -> Callable:
    """Let in users with one of the roles; anonymous: log in; others: 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _to_login(request, fallback)
            if not has_any_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def no_store(response: HttpResponse) -> HttpResponse:
    """Keep personal data out of shared caches and the browser's disk cache."""
    response["Cache-Control"] = "private, no-store"
    return response


# --- APIs --------------------------------------------------------------------------


class _RolePermission(permissions.BasePermission):
    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return has_any_role(request.user, self.roles)


class IsOrganiser(_RolePermission):
    message = _("Chỉ Ban Tổ chức được thực hiện thao tác này.")
    roles = (Role.ORGANISER,)


class IsJury(_RolePermission):
    """Organisers, judges and the secretary (they see personal data and flags)."""

    message = _("Chỉ Ban Tổ chức, Ban Giám khảo và Thư ký xem được nội dung này.")
    roles = JURY_ROLES


class IsJudge(_RolePermission):
    message = _("Chỉ Ban Giám khảo được chấm sự kiện.")
    roles = (Role.JUDGE,)


# --- the admin ---------------------------------------------------------------------


class RoleAdminMixin:
    """Let users with one of `admin_roles` view and change the model in the admin."""

    admin_roles: tuple[str, ...] = ADMIN_ROLES
    can_add = True
    can_delete = False

    def _allowed(self, request) -> bool:
        return has_any_role(request.user, self.admin_roles)

    def has_module_permission(self, request):
        return self._allowed(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return (self.can_add and self._allowed(request)) or super().has_add_permission(
            request
        )

    def has_delete_permission(self, request, obj=None):
        allowed = self.can_delete and self._allowed(request)
        return allowed or super().has_delete_permission(request, obj)


class RoleInlineMixin:
    """RoleAdminMixin for inlines: what users with `admin_roles` may do in them.

    (Inlines check permissions on their own model, and their add check takes obj.)
    """

    admin_roles: tuple[str, ...] = ADMIN_ROLES
    role_can: frozenset[str] = frozenset({"view"})

    def _may(self, request, action: str) -> bool:
        return action in self.role_can and has_any_role(request.user, self.admin_roles)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = self._may(request, "change")
        return allowed or super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add") or super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = self._may(request, "delete")
        return allowed or super().has_delete_permission(request, obj)
