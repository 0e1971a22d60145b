from django.conf import settings


def site(request):
    """Expose the few settings templates need."""
    return {"MAP_TILE_URL": settings.MAP_TILE_URL}
