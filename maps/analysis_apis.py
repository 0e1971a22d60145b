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
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError, query_bool
from config.schema import feature_collection_schema, text_parameter
from geo.geojson import MEDIA_TYPE, as_geojson

from . import clusters, hexagons
from .analysis import Analysis, hexagon_counts, stored_gaps, stored_gi_star
from .params import analysis_params

# Seconds a client should wait before asking again for a result being computed.
RETRY_AFTER_S = 10


def pending_response(analysis: Analysis, campaign) -> Response:
    """Return 202: no result has been computed yet; one is on its way."""
    body = {"status": "pending", "campaign": campaign.slug, **analysis.status()}
    return Response(body, status=202, headers={"Retry-After": str(RETRY_AFTER_S)})


CAMPAIGN = text_parameter("campaign", "slug (default: current campaign)")
RESOLUTION = OpenApiParameter(
    "resolution",
    {"type": "integer", "minimum": 7, "maximum": 9},
    description="H3 resolution 7..9 (default 8)",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[202],
    description="seconds to wait before asking again",
)
FRESHNESS = {"computed_at": "string?", "fresh": "boolean", "pending": "boolean"}
PENDING = OpenApiResponse(
    {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["pending"]},
            "campaign": {"type": "string"},
            "computed_at": {"type": "string", "nullable": True},
            "fresh": {"type": "boolean"},
            "pending": {"type": "boolean"},
        },
        "required": ["status", "campaign", "computed_at", "fresh", "pending"],
    },
    description="Not computed yet: a background job is on its way; ask again.",
)
CELL_FIELDS = {"cell": "string"}
HEXAGONS = feature_collection_schema(
    geometry="Polygon",
    id_type="string",
    properties={
        **CELL_FIELDS,
        "cleanups": "integer",
        "verified_kg": "number",
        "open_hotspots": "integer",
        "hotspots": "integer",
    },
    extra={"resolution": "integer", "campaign": "string"},
    description="H3 cells (id: the cell) with at least one cleanup or hotspot.",
)
GAPS = feature_collection_schema(
    geometry="Point",
    id_type="integer",
    properties={
        "id": "integer",
        "category": "string",
        "size": "string",
        "size_label": "string",
        "priority": "boolean",
        "nearest_cleanup_m": "integer?",
    },
    extra={"gap_distance_m": "number", "campaign": "string", **FRESHNESS},
    description="Open priority hotspots (id: the hotspot) far from any cleanup.",
)
CLUSTERS = feature_collection_schema(
    geometry="Polygon",
    id_type="string",
    properties={
        **CELL_FIELDS,
        "value": "number",
        "gi_z": "number",
        "p_value": "number",
        "p_fdr": "number",
        "class": "string",
    },
    extra={
        "variable": "string",
        "resolution": "integer",
        "permutations": "integer",
        "correction": "string",
        "explanation": "string",
        "campaign": "string",
        **FRESHNESS,
    },
    description="Getis-Ord Gi* cells (id: the cell) and their class.",
)


class HexagonCoverageApi(APIView):
    """H3 cells with cleanups, verified kg, open and all public hotspots."""

    @extend_schema(
        parameters=[CAMPAIGN, RESOLUTION], responses={(200, MEDIA_TYPE): HEXAGONS}
    )
    def get(self, request):
        params = analysis_params(request.query_params)
        counts = hexagon_counts(params)
        body = hexagons.cells_geojson(counts, resolution=params.resolution)
        body["campaign"] = params.campaign.slug
        return as_geojson(Response(body))


class CoverageGapsApi(APIView):
    """Open priority hotspots with no verified cleanup within GAP_DISTANCE_M."""

    @extend_schema(
        parameters=[CAMPAIGN, RETRY_AFTER],
        responses={(200, MEDIA_TYPE): GAPS, (202, "application/json"): PENDING},
    )
    def get(self, request):
        params = analysis_params(request.query_params)
        analysis = stored_gaps(params)
        if not analysis.ready:
            return pending_response(analysis, params.campaign)
        distance_m = hexagons.gap_distance_m()
        body = hexagons.gaps_geojson(analysis.value, distance_m=distance_m)
        body.update(campaign=params.campaign.slug, **analysis.status())
        return as_geojson(Response(body))


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
            RETRY_AFTER,
        ],
        responses={(200, MEDIA_TYPE): CLUSTERS, (202, "application/json"): PENDING},
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
        return as_geojson(Response(body))
