"""Site-wide pages: home, health check, error pages."""

import folium
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from geo.selectors import area_outlines
from maps.assets import make_map, render_parts
from maps.layers import area_layer


def home(request):
    areas = list(area_outlines(level="district"))
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
    return render(request, "404.html", {"title": _("Không tìm thấy trang")}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)
