from django.conf import settings


def site(request):
    """Expose the few settings and role flags templates need (one cached role lookup)."""
    from accounts.access import ADMIN_ROLES, DASHBOARD_ROLES, has_any_role
    from accounts.roles import Role, has_role

    context = {"MAP_TILE_URL": settings.MAP_TILE_URL}
    user = getattr(request, "user", None)
    if user is None:
        return context
    context["can_moderate"] = has_role(user, Role.ORGANISER)
    context["can_see_dashboard"] = has_any_role(user, DASHBOARD_ROLES)
    context["can_see_jobs"] = has_any_role(user, ADMIN_ROLES)
    return context
