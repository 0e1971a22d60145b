"""The hexagon coverage page: cells with cleanups, cells with open hotspots, the
coverage gaps and the Gi* hot/cold cells, as switchable layers on one map."""

from dataclasses import replace

import folium
import h3
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.api import ApiError

from . import clusters, hexagons, selectors
from .analysis import hexagon_counts, stored_gaps, stored_gi_star
from .assets import make_map, render_parts
from .layers import (
    CLEANUP_CELL_COLOUR,
    CLUSTER_COLOURS,
    OPEN_CELL_COLOUR,
    HotspotMarker,
    cluster_layer,
    gap_layer,
    hex_cell_layer,
)
from .markers import SIZE, hotspot_markers
from .params import analysis_params
from .rows import HotspotRow

# The page stays light: at most this many cells per layer and gap markers
# (busiest cells and farthest gaps first); the APIs return everything.
MAX_PAGE_CELLS = 3_000
MAX_PAGE_GAPS = 1_000


def _params(query: dict):
    """Return (params or None, error message): a bad parameter falls back to its
    default with a message instead of failing the page."""
    error = ""
    for _attempt in range(4):
        try:
            return analysis_params(query), error
        except ApiError as exc:
            error = error or str(exc.detail)
            if exc.field not in query:
                return None, error
            query.pop(exc.field)
    return None, error


def _distance(gap: hexagons.Gap) -> str:
    if gap.distance_m is None:
        return _("Chưa có sự kiện thu gom nào")
    return _("Sự kiện thu gom gần nhất: %(m)s m") % {
        "m": f"{gap.distance_m:,.0f}".replace(",", ".")
    }


def _gap_markers(gaps) -> list[HotspotMarker]:
    """Return the gaps' hotspot markers, each tooltip ending with the distance."""
    shown = gaps[:MAX_PAGE_GAPS]
    rows = [
        HotspotRow(
            id=gap.id,
            lon=gap.lon,
            lat=gap.lat,
            category=gap.category,
            priority=True,  # every gap is an open priority hotspot
            size_label=gap.size_label,
        )
        for gap in shown
    ]
    markers = hotspot_markers(rows, lines=(SIZE,))
    return [
        replace(marker, lines=(*marker.lines, _distance(gap)))
        for marker, gap in zip(markers, shown, strict=True)
    ]


def _busiest(counts, key) -> list:
    cells = [c for c in counts if key(c) > 0]
    cells.sort(key=lambda c: (-key(c), c.cell))
    return cells[:MAX_PAGE_CELLS]


def hexagon_page(request):
    campaigns = selectors.campaign_choices()
    params, error = _params(request.GET.dict())
    context = {"campaigns": campaigns, "error": error, "params": params}
    if params is None:
        return render(request, "maps/hexagons.html", context)
    counts = hexagon_counts(params)
    distance_m = hexagons.gap_distance_m()
    # Gaps and Gi* come stored from the background job, with their time.
    gap_analysis = stored_gaps(params)
    gaps = gap_analysis.value or []
    gi_analysis = stored_gi_star(params)
    result = gi_analysis.value
    if gi_analysis.too_large:
        note = _("Vùng phân tích quá lớn ở độ phân giải này; hãy chọn ô lớn hơn.")
    elif result is None:
        note = _("Cụm nóng/lạnh đang được tính; hãy tải lại trang sau ít phút.")
    else:
        note = clusters.explanation(result)

    fmap = make_map()
    cleaned = _busiest(counts, lambda c: c.cleanups)
    open_cells = _busiest(counts, lambda c: c.open_hotspots)
    res = params.resolution
    if cleaned:
        hex_cell_layer(
            hexagons.cells_geojson(cleaned, resolution=res),
            name=_("Ô có sự kiện thu gom"),
            colour=CLEANUP_CELL_COLOUR,
            fields=["cleanups", "verified_kg"],
            aliases=[_("Sự kiện thu gom"), _("Kg đã xác nhận")],
        ).add_to(fmap)
    if open_cells:
        hex_cell_layer(
            hexagons.cells_geojson(open_cells, resolution=res),
            name=_("Ô có điểm nóng chưa xử lý"),
            colour=OPEN_CELL_COLOUR,
            fields=["open_hotspots", "hotspots"],
            aliases=[_("Điểm nóng chưa xử lý"), _("Tổng điểm nóng")],
        ).add_to(fmap)
    if result is not None and result.significant:
        cluster_layer(
            clusters.clusters_geojson(result, significant_only=True),
            name=_("Cụm nóng/lạnh (Gi*)"),
        ).add_to(fmap)
    if gaps:
        gap_layer(_gap_markers(gaps), name=_("Khoảng trống (chưa ai thu gom)")).add_to(
            fmap
        )
    # Fit the map to the counted cells (their centres), not to every point.
    centres = [h3.cell_to_latlng(c.cell) for c in counts]
    lats = [lat for lat, _lon in centres]
    lons = [lon for _lat, lon in centres]
    if lats:
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    folium.LayerControl(collapsed=True).add_to(fmap)

    context.update(
        map=render_parts(fmap),
        campaign=params.campaign,
        resolutions=range(hexagons.RESOLUTION_MIN, hexagons.RESOLUTION_MAX + 1),
        variables=[
            ("hotspots", _("Số điểm nóng được báo cáo")),
            ("kg", _("Số kg đã xác nhận thu gom")),
        ],
        note=note,
        analyses=[
            (_("Khoảng trống thu gom"), gap_analysis),
            (_("Cụm nóng/lạnh Gi*"), gi_analysis),
        ],
        gap_count=len(gaps),
        gap_distance_m=int(distance_m),
        gaps_capped=len(gaps) > MAX_PAGE_GAPS,
        cell_count=len(counts),
        legend=[
            (CLEANUP_CELL_COLOUR, _("Ô có sự kiện thu gom đã duyệt"), ""),
            (OPEN_CELL_COLOUR, _("Ô có điểm nóng chưa xử lý"), ""),
            # Drawn as a white dot with a thick red ring (swatch-priority).
            (
                "#ffffff",
                _("Khoảng trống: điểm nóng ưu tiên chưa có ai thu gom gần"),
                "swatch-priority",
            ),
        ],
        cluster_legend=[
            (CLUSTER_COLOURS["hot_99"], _("Điểm nóng, tin cậy 99 %")),
            (CLUSTER_COLOURS["hot_95"], _("Điểm nóng, tin cậy 95 %")),
            (CLUSTER_COLOURS["hot_90"], _("Điểm nóng, tin cậy 90 %")),
            (CLUSTER_COLOURS["cold_99"], _("Điểm lạnh, tin cậy 99 %")),
            (CLUSTER_COLOURS["cold_95"], _("Điểm lạnh, tin cậy 95 %")),
            (CLUSTER_COLOURS["cold_90"], _("Điểm lạnh, tin cậy 90 %")),
        ],
    )
    return render(request, "maps/hexagons.html", context)
