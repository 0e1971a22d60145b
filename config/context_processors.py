from django.conf import settings

# Who sees the IOC dashboard link (the dashboard view checks the same roles).
DASHBOARD_ROLES = ("ioc", "organiser", "secretary")


def site(request):
    """Expose the few settings and role flags templates need (one cached role lookup)."""
    from accounts.roles import Role, has_role

    context = {"MAP_TILE_URL": settings.MAP_TILE_URL}
    user = getattr(request, "user", None)
    if user is None:
        return context
    context["can_moderate"] = has_role(user, Role.ORGANISER)
    context["can_see_dashboard"] = any(has_role(user, role) for role in DASHBOARD_ROLES)
    return context
