"""Site-wide pages: home, health check, error pages."""

import folium
from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.static import serve

from maps.assets import make_map, render_parts
from maps.layers import area_layer
from maps.selectors import area_shapes


def home(request):
    areas = area_shapes(level="district", on=timezone.localdate())
    fmap = make_map()
    if areas:
        area_layer(areas).add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
    context = {
        "map": render_parts(fmap),
        "areas": areas,
        "any_approximate": any(a.approximate for a in areas),
    }
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    """Report the service's health: status, database reachability, PostGIS version."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            postgis = cursor.fetchone()[0]
    except Exception as exc:  # any database failure is a 503, never a 500
        return JsonResponse(
            {
                "status": "error",
                "database": "unavailable",
                "detail": type(exc).__name__,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "postgis": postgis})


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        # An API path that no URL matches answers in the API's error shape.
        return JsonResponse(
            {
                "error": {
                    "code": "not_found",
                    "message": _("Không tìm thấy."),
                    "field": None,
                }
            },
            status=404,
        )
    return render(request, "404.html", {"title": _("Không tìm thấy trang")}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)


# Only our own re-encoded photos are served, and never as something a browser could run.
MEDIA_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def media(request, path: str):
    """Serve an uploaded photo so that it can never run as a page.

    Files are stored under server-made names by the photo pipeline; anything
    else is a 404. nosniff and a CSP that allows nothing keep a crafted file
    inert even if it slipped through. (Behind a web server, do the same there.)
    """
    suffix = path[path.rfind(".") :].lower() if "." in path else ""
    if not path.startswith("photos/") or suffix not in MEDIA_TYPES:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = MEDIA_TYPES[suffix]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-site"
    response["Cache-Control"] = "public, max-age=86400"
    return response
