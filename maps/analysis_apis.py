"""Hexagon coverage, coverage gaps and Gi* clusters as GeoJSON (public, read-only).

Thin views: maps.selectors reads the points, maps.hexagons and
maps.clusters compute. Only public facts leave here: cell counts, and for gaps
the hotspot's id, category, size, priority and distance to the nearest cleanup
(no reporter, no description, no photo).
"""

import functools
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError, query_choice, query_int
from events.campaigns.selectors import campaign_by_slug, current_campaign
from events.models import Campaign
from maps.selectors import (
    data_version,
    event_points,
    hotspot_points,
)

from . import clusters, hexagons


@dataclass(frozen=True)
class AnalysisParams:
    campaign: Campaign
    resolution: int
    variable: str


def analysis_params(params) -> AnalysisParams:
    """Return the campaign, resolution and variable asked for (or the defaults).

    An unknown campaign (or none at all yet), a resolution outside 7..9 or an
    unknown variable is a 400 naming the parameter.
    """
    slug = params.get("campaign") or ""
    campaign = campaign_by_slug(slug) if slug else current_campaign()
    if campaign is None:
        raise ApiError(
            _("Không tìm thấy chiến dịch."), code="unknown_campaign", field="campaign"
        )
    resolution = query_int(params, "resolution")
    if resolution is None:
        resolution = hexagons.default_resolution()
    elif not hexagons.RESOLUTION_MIN <= resolution <= hexagons.RESOLUTION_MAX:
        raise ApiError(
            _("resolution phải từ %(min)s đến %(max)s.")
            % {"min": hexagons.RESOLUTION_MIN, "max": hexagons.RESOLUTION_MAX},
            code="out_of_range",
            field="resolution",
        )
    variable = query_choice(params, "variable", clusters.VARIABLES) or "hotspots"
    return AnalysisParams(campaign, resolution, variable)


def _cluster_points(spots, events, variable: str) -> list[tuple]:
    if variable == "kg":
        return [(e.lon, e.lat, e.verified_kg) for e in events]
    return [(h.lon, h.lat, 1.0) for h in spots]


CLUSTER_CACHE_SECONDS = 600


@functools.lru_cache(maxsize=2)
def _points(campaign_pk: int, version: str) -> tuple[list, list]:
    """Return (hotspot points, event points), read once per data version.

    The counts, the gaps and Gi* all start from the same points: one read serves
    all three (and later requests, until the data changes).
    """
    campaign = Campaign.objects.get(pk=campaign_pk)
    return hotspot_points(campaign), event_points(campaign)


def _cached(kind: str, params: AnalysisParams, compute):
    """Cache an analysis under a fingerprint of its inputs (see data_version).

    Any new, changed or re-decided hotspot or event changes the key; a stale
    entry expires anyway. The key is hashed so every cache backend accepts it.
    `compute` receives (hotspot points, event points).
    """
    version = data_version(params.campaign)
    raw = (
        f"{kind}:{params.campaign.pk}:{params.resolution}:{params.variable}:"
        f"{hexagons.gap_distance_m()}:{version}"
    )
    key = "analysis:" + hashlib.sha256(raw.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = compute(*_points(params.campaign.pk, version))
        cache.set(key, result, CLUSTER_CACHE_SECONDS)
    return result


def cached_counts(params: AnalysisParams):
    """Return the hexagon counts (cached)."""
    return _cached(
        "counts",
        params,
        lambda spots, events: hexagons.cell_counts(
            spots, events, resolution=params.resolution
        ),
    )


def cached_gaps(params: AnalysisParams):
    """Return the coverage gaps (cached)."""
    return _cached(
        "gaps",
        params,
        lambda spots, events: hexagons.coverage_gaps(
            spots, events, distance_m=hexagons.gap_distance_m()
        ),
    )


def cached_gi_star(params: AnalysisParams) -> clusters.ClusterResult:
    """Return the Gi* result for the parameters (cached; raises StudyAreaTooLarge).

    999 permutations over thousands of cells take seconds.
    """
    return _cached(
        "gi",
        params,
        lambda spots, events: clusters.gi_star(
            _cluster_points(spots, events, params.variable),
            resolution=params.resolution,
            variable=params.variable,
        ),
    )


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
        counts = cached_counts(params)
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
