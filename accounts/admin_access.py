"""Admin access by platform role (organisers and helpers run the platform)."""

from accounts.access import ADMIN_ROLES, has_any_role


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
