"""Hexagon coverage, coverage gaps and Gi* clusters as GeoJSON (public, read-only).

Thin views: maps.params parses the request, maps.analysis reads the points
(maps.selectors) and computes (maps.hexagons, maps.clusters), cached. Only
public facts leave here: cell counts, and for gaps the hotspot's id, category,
size, priority and distance to the nearest cleanup (no reporter, no
description, no photo).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError

from . import clusters, hexagons
from .analysis import cached_gaps, cached_gi_star, hexagon_counts
from .params import AnalysisParams, analysis_params


def cluster_result(params: AnalysisParams) -> clusters.ClusterResult:
    """Return the Gi* result, or a 400 on resolution if the area is too large."""
    try:
        return cached_gi_star(params)
    except clusters.StudyAreaTooLarge:
        raise ApiError(
            _("Vùng phân tích quá lớn ở độ phân giải này; hãy chọn ô lớn hơn."),
            code="too_many_cells",
            field="resolution",
        ) from None


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
        distance_m = hexagons.gap_distance_m()
        gaps = cached_gaps(params)
        body = hexagons.gaps_geojson(gaps, distance_m=distance_m)
        body["campaign"] = params.campaign.slug
        return Response(body)


class ClusterApi(APIView):
    """Getis-Ord Gi* cells (all cells of the study area) with their class."""

    @extend_schema(
        parameters=[
            CAMPAIGN,
            RESOLUTION,
            OpenApiParameter(
                "variable", OpenApiTypes.STR, enum=list(clusters.VARIABLES)
            ),
        ]
    )
    def get(self, request):
        params = analysis_params(request.query_params)
        body = clusters.clusters_geojson(cluster_result(params))
        body["campaign"] = params.campaign.slug
        return Response(body)
