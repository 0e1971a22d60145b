"""Site-wide pages: home, health check, error pages."""

import logging
import sys

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

from .outage import is_database_outage, outage_response

logger = logging.getLogger(__name__)


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
        response = JsonResponse(
            {
                "status": "error",
                "database": "unavailable",
                "detail": type(exc).__name__,
            },
            status=503,
        )
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER_S)
        # A probe every few seconds: one WARNING each, not django.request's ERROR.
        logger.warning("healthz: database unavailable (%s)", type(exc).__name__)
        response._has_been_logged = True
        return response
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
    # Called inside Django's `except` (handle_uncaught_exception): a lost database
    # raised in any middleware layer lands here and is a 503, not a 500.
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return outage_response(request, exc)
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
