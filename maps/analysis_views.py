"""The hexagon coverage page: cells with cleanups, cells with open hotspots, the
coverage gaps and the Gi* hot/cold cells, as switchable layers on one map."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.api import ApiError

from . import clusters, hexagon_map, hexagons, selectors
from .analysis import stored_gaps, stored_gi_star
from .params import analysis_params


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


@require_http_methods(["GET", "HEAD"])
def hexagon_page(request):
    """Show a campaign's hexagon coverage, gaps and Gi* cells on a tile map."""
    campaigns = selectors.campaign_choices()
    params, error = _params(request.GET.dict())
    context = {"campaigns": campaigns, "error": error, "params": params}
    if params is None:
        return render(request, "maps/hexagons.html", context)
    # Gaps and Gi* come stored from the background job, with their time; the
    # page needs their counts only (the map fetches the gaps and hot/cold cells).
    gap_analysis = stored_gaps(params, summary=True)
    gap_count = gap_analysis.value or 0
    gi_analysis = stored_gi_star(params, summary=True)
    result = gi_analysis.value
    if gi_analysis.too_large:
        note = _("Vùng phân tích quá lớn ở độ phân giải này; hãy chọn ô lớn hơn.")
    elif result is None:
        note = _("Cụm nóng/lạnh đang được tính; hãy tải lại trang sau ít phút.")
    else:
        note = clusters.explanation(result)
    # Fit the map to the campaign's cells at the coarsest resolution: a few
    # hundred rollup rows, not the cells the tiles will draw.
    coarse = selectors.hexagon_cells(
        params.campaign, resolution=hexagons.RESOLUTION_MIN
    )
    context.update(
        campaign=params.campaign,
        hexmap=hexagon_map.hexmap_config(
            params,
            bounds=hexagons.cells_bounds(c.cell for c in coarse),
            gap_count=gap_count,
            significant=bool(result and result.significant),
        ),
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
        gap_count=gap_count,
        gap_distance_m=int(hexagons.gap_distance_m()),
        gaps_capped=gap_count > hexagon_map.MAX_PAGE_GAPS,
        coarser_when_zoomed_out=params.resolution > hexagons.RESOLUTION_MIN,
        legend=hexagon_map.legend(),
        cluster_legend=hexagon_map.cluster_legend(),
    )
    return render(request, "maps/hexagons.html", context)
