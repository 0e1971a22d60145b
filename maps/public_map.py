"""The public hotspot map's content, shared by /maps/ and /embed/map/.

The map draws from vector tiles (maps.tile_views) with MapLibre GL JS served
from our own static files (static/js/tilemap.js): every public hotspot, as
points when zoomed in and as counted blocks when zoomed out, never a capped
list of markers. The filter is hotspots.filters.PublicMapFilter: the page
ignores an invalid value (never a 500) and hands the valid ones to the tiles,
which filter on the server with the same definitions.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hotspots.models import PUBLIC_STATUSES, Category, Status

from . import basemap, selectors
from .layers import CATEGORY_COLOURS, DEFAULT_COLOUR, category_colour

# The ring of a hotspot point by status (a priority hotspot's ring is red).
STATUS_COLOURS = {"verified": "#1d2b22", "cleaned": "#6b7a70", "reopened": "#b35c00"}
PRIORITY_COLOUR = "#d00000"
BLOCK_COLOUR = "#1b7f3b"
AREA_LEVEL = "district"


def legend() -> dict:
    statuses = dict(Status.choices)
    return {
        "categories": [(label, category_colour(v)) for v, label in Category.choices],
        "statuses": [(str(statuses[s]), STATUS_COLOURS[s]) for s in PUBLIC_STATUSES],
        "priority": PRIORITY_COLOUR,
        "block": BLOCK_COLOUR,
    }


def map_frame_config() -> dict:
    """Return what static/js/mapbase.js reads for any of our MapLibre maps: the
    base map, the area outlines, where to look and how far one may pan."""
    lat, lon = settings.MAP_CENTER
    west, south, east, north = settings.SERVICE_ENVELOPE
    margin = 0.5  # degrees of slack around the service area when panning
    return {
        "areas": reverse("tiles:tilejson", args=["areas"]),
        "area_level": AREA_LEVEL,
        "basemap": (
            {
                "tiles": basemap.raster_url(),
                "attribution": (
                    settings.MAP_TILE_ATTRIBUTION if basemap.mode() == "tiles" else ""
                ),
            }
            if basemap.raster_url()
            else None
        ),
        "fallback": basemap.fallback_config(),
        "center": [lon, lat],
        # MapLibre's zoom counts 512-pixel tiles: one less than Leaflet's.
        "zoom": settings.MAP_ZOOM - 1,
        "max_bounds": [
            [west - margin, south - margin],
            [east + margin, north + margin],
        ],
        "language": get_language() or settings.LANGUAGE_CODE,
    }


def tilemap_config(filter_params: dict[str, str]) -> dict:
    """Return what static/js/tilemap.js reads (the page puts it in json_script)."""
    hotspots = reverse("tiles:tilejson", args=["hotspots"])
    if filter_params:
        hotspots += "?" + urlencode(sorted(filter_params.items()))
    return {
        **map_frame_config(),
        "hotspots": hotspots,
        "colours": dict(CATEGORY_COLOURS),
        "default_colour": DEFAULT_COLOUR,
        "status_colours": STATUS_COLOURS,
        "detail_api": reverse("api:hotspots-api:detail", args=[0]),
        "detail_page": reverse("hotspots:detail", args=[0]),
        "time_zone": settings.TIME_ZONE,
        "labels": {
            "categories": {v: str(label) for v, label in Category.choices},
            "statuses": {v: str(label) for v, label in Status.choices},
            "sizes": selectors.size_labels(),
            "priority": _("Ưu tiên"),
            "details": _("Xem chi tiết"),
            "reported_on": _("Báo cáo ngày %(day)s"),
            "photo_alt": _("Ảnh điểm nóng #%(id)s"),
            "block": _("%(n)s điểm nóng ở đây · phóng to để xem từng điểm"),
        },
    }


def public_map_context(query) -> dict:
    """Return what /maps/ and /embed/map/ show for the request's GET filters."""
    filters = selectors.public_map_filter(query)
    active = filters.active()
    # The raw values of the valid parameters: the tiles parse them again.
    params = {name: str(query.get(name)) for name in active}
    return {
        "form": filters.form,
        "filtered": bool(active),
        "total": selectors.public_hotspot_total(filters if active else None),
        "tilemap": tilemap_config(params),
        "legend": legend(),
        "any_approximate": selectors.any_approximate_area(),
        "basemap_fallback": basemap.mode() == "fallback",
    }
