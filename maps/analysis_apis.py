"""Hexagon coverage, coverage gaps and Gi* clusters as GeoJSON (public, read-only).

Thin views: maps.params parses the request; maps.analysis gives the cell counts
(cached) and the stored gaps and Gi* results (computed by a background job:
bodies carry `computed_at`, `fresh` and `pending`; before the first computation
the answer is 202 with `Retry-After`). Only
public facts leave here: cell counts, and for gaps the hotspot's id, category,
size, priority and distance to the nearest cleanup (no reporter, no
description, no photo).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError, query_bool

from . import clusters, hexagons
from .analysis import Analysis, hexagon_counts, stored_gaps, stored_gi_star
from .params import analysis_params

# Seconds a client should wait before asking again for a result being computed.
RETRY_AFTER_S = 10


def pending_response(analysis: Analysis, campaign) -> Response:
    """Return 202: no result has been computed yet; one is on its way."""
    body = {"status": "pending", "campaign": campaign.slug, **analysis.status()}
    return Response(body, status=202, headers={"Retry-After": str(RETRY_AFTER_S)})


CAMPAIGN = OpenApiParameter(
    "campaign", OpenApiTypes.STR, description="slug (default: current campaign)"
)
RESOLUTION = OpenApiParameter(
    "resolution", OpenApiTypes.INT, description="H3 resolution 7..9 (default 8)"
)


class HexagonCoverageApi(APIView):
    """H3 cells with cleanups, verified kg, open and all public hotspots."""

    @extend_schema(parameters=[CAMPAIGN, RESOLUTION])
    def get(self, request):
        params = analysis_params(request.query_params)
        counts = hexagon_counts(params)
        body = hexagons.cells_geojson(counts, resolution=params.resolution)
        body["campaign"] = params.campaign.slug
        return Response(body)


class CoverageGapsApi(APIView):
    """Open priority hotspots with no verified cleanup within GAP_DISTANCE_M."""

    @extend_schema(parameters=[CAMPAIGN])
    def get(self, request):
        params = analysis_params(request.query_params)
        analysis = stored_gaps(params)
        if not analysis.ready:
            return pending_response(analysis, params.campaign)
        distance_m = hexagons.gap_distance_m()
        body = hexagons.gaps_geojson(analysis.value, distance_m=distance_m)
        body.update(campaign=params.campaign.slug, **analysis.status())
        return Response(body)


class ClusterApi(APIView):
    """Getis-Ord Gi* hot and cold cells (significant ones; `all=true`: every cell
    of the study area) with their class."""

    @extend_schema(
        parameters=[
            CAMPAIGN,
            RESOLUTION,
            OpenApiParameter(
                "variable", OpenApiTypes.STR, enum=list(clusters.VARIABLES)
            ),
            OpenApiParameter(
                "all",
                OpenApiTypes.BOOL,
                description="every cell of the study area, not only significant ones",
            ),
        ]
    )
    def get(self, request):
        params = analysis_params(request.query_params)
        every_cell = query_bool(request.query_params, "all")
        analysis = stored_gi_star(params)
        if analysis.too_large:
            raise ApiError(
                _("Vùng phân tích quá lớn ở độ phân giải này; hãy chọn ô lớn hơn."),
                code="too_many_cells",
                field="resolution",
            )
        if not analysis.ready:
            return pending_response(analysis, params.campaign)
        body = clusters.clusters_geojson(
            analysis.value, significant_only=not every_cell
        )
        body.update(campaign=params.campaign.slug, **analysis.status())
        return Response(body)
