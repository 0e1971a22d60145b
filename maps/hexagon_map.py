"""The hexagon coverage page's map: its colours, legends and configuration.

The map draws from the hexagon vector tiles (maps.tile_views, layer "hexagons")
with MapLibre GL JS served from our own static files (static/js/hexmap.js on
static/js/mapbase.js): every cell with data, at the resolution asked for when
zoomed in and coarser when zoomed out, never a capped list. The coverage gaps
(points) and the significant Gi* cells are small GeoJSON documents the script
fetches from the analysis APIs, so the page itself stays a few kilobytes.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from hotspots.models import Category

from .params import AnalysisParams
from .public_map import map_frame_config

# Hot reds and cold blues (ColorBrewer RdBu), darker for higher confidence.
CLUSTER_COLOURS: dict[str, str] = {
    "hot_99": "#b2182b",
    "hot_95": "#ef8a62",
    "hot_90": "#fddbc7",
    "cold_99": "#2166ac",
    "cold_95": "#67a9cf",
    "cold_90": "#d1e5f0",
}
CLEANUP_CELL_COLOUR = "#1b7f3b"
OPEN_CELL_COLOUR = "#e69f00"
GAP_COLOUR = "#d00000"
# The gap points come from the gaps API (~250 bytes a gap); above this many the
# map outlines the cells with gaps (from the tiles) and leaves the points to the
# API.
MAX_PAGE_GAPS = 2_000
# A fitted view never zooms in further than this (one cell would fill it).
FIT_MAX_ZOOM = 13


def legend() -> list[tuple[str, str, str]]:
    """Return the cell legend: (colour, label, extra swatch class)."""
    return [
        (CLEANUP_CELL_COLOUR, _("Ô có sự kiện thu gom đã duyệt"), ""),
        (OPEN_CELL_COLOUR, _("Ô có điểm nóng chưa xử lý"), ""),
        # Drawn as a white dot with a thick red ring (swatch-priority).
        (
            "#ffffff",
            _("Khoảng trống: điểm nóng ưu tiên chưa có ai thu gom gần"),
            "swatch-priority",
        ),
        ("transparent", _("Viền đỏ: ô có khoảng trống"), "swatch-gap-cell"),
    ]


def cluster_labels() -> dict[str, str]:
    return {
        "hot_99": _("Điểm nóng, tin cậy 99 %"),
        "hot_95": _("Điểm nóng, tin cậy 95 %"),
        "hot_90": _("Điểm nóng, tin cậy 90 %"),
        "cold_99": _("Điểm lạnh, tin cậy 99 %"),
        "cold_95": _("Điểm lạnh, tin cậy 95 %"),
        "cold_90": _("Điểm lạnh, tin cậy 90 %"),
    }


def cluster_legend() -> list[tuple[str, str]]:
    """Return the Gi* legend: (colour, label), hot then cold, strongest first."""
    labels = cluster_labels()
    return [(CLUSTER_COLOURS[key], labels[key]) for key in CLUSTER_COLOURS]


def hexmap_config(
    params: AnalysisParams,
    *,
    bounds: tuple[float, float, float, float] | None,
    gap_count: int,
    significant: bool,
) -> dict:
    """Return what static/js/hexmap.js reads (the page puts it in json_script).

    `bounds`: (west, south, east, north) of the campaign's cells, or None;
    `gap_count`: the stored gaps (0: none, or not computed yet); `significant`:
    whether the stored Gi* result has hot or cold cells.
    """
    campaign = params.campaign.slug
    query = urlencode({"campaign": campaign, "resolution": params.resolution})
    clusters = urlencode(
        {
            "campaign": campaign,
            "resolution": params.resolution,
            "variable": params.variable,
        }
    )
    show_gaps = 0 < gap_count <= MAX_PAGE_GAPS
    return {
        **map_frame_config(),
        "hexagons": reverse("tiles:tilejson", args=["hexagons"]) + "?" + query,
        "resolution": params.resolution,
        "bounds": [list(bounds[:2]), list(bounds[2:])] if bounds else None,
        "fit_max_zoom": FIT_MAX_ZOOM,
        "gaps": (
            reverse("api:analysis-api:gaps") + "?" + urlencode({"campaign": campaign})
            if show_gaps
            else None
        ),
        "clusters": (
            reverse("api:analysis-api:clusters") + "?" + clusters
            if significant
            else None
        ),
        "colours": {
            "cleanups": CLEANUP_CELL_COLOUR,
            "open": OPEN_CELL_COLOUR,
            "gap": GAP_COLOUR,
            "clusters": CLUSTER_COLOURS,
        },
        "detail_page": reverse("hotspots:detail", args=[0]),
        "labels": {
            "layers": _("Lớp bản đồ"),
            "cleanups": _("Ô có sự kiện thu gom"),
            "open": _("Ô có điểm nóng chưa xử lý"),
            "clusters": _("Cụm nóng/lạnh (Gi*)"),
            "gaps": _("Khoảng trống (chưa ai thu gom)"),
            "cell": _("Ô lục giác H3, độ phân giải %(resolution)s"),
            "cell_hotspots": _("%(n)s điểm nóng, %(open)s chưa xử lý"),
            "cell_cleanups": _("%(n)s sự kiện thu gom đã duyệt, %(kg)s kg đã xác nhận"),
            "cell_gaps": _("%(n)s khoảng trống thu gom"),
            "cluster_classes": cluster_labels(),
            "cluster_figures": _("Giá trị %(value)s · z = %(z)s · p = %(p)s"),
            "categories": {v: str(label) for v, label in Category.choices},
            "nearest": _("Sự kiện thu gom gần nhất: %(m)s m"),
            "no_cleanup": _("Chưa có sự kiện thu gom nào"),
            "priority": _("Ưu tiên"),
            "details": _("Xem chi tiết"),
        },
    }
