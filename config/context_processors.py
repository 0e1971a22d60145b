from django.conf import settings


def site(request):
    """Expose the few settings templates need."""
    from accounts.roles import Role, has_role

    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "can_moderate": has_role(request.user, Role.ORGANISER)
        if hasattr(request, "user")
        else False,
    }
