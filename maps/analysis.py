"""Hexagon analyses: counts per cell, coverage gaps and Gi* clusters (cached).

The hexagon page and the analysis APIs share these. The counts are summed from
the cell rollups by maps.selectors; for the gaps and Gi*, maps.selectors reads
the points and maps.hexagons and maps.clusters compute from them.
"""

import functools
import hashlib

from django.core.cache import cache

from . import clusters, hexagons, selectors
from .params import AnalysisParams

CLUSTER_CACHE_SECONDS = 600


@functools.lru_cache(maxsize=2)
def _points(campaign_pk: int, version: str) -> tuple[list, list]:
    """Return (hotspot points, event points), read once per data version.

    The gaps and Gi* start from the same points: one read serves both (and
    later requests, until the data changes).
    """
    return selectors.analysis_points(campaign_pk)


def _cached(kind: str, params: AnalysisParams, compute):
    """Cache an analysis under a fingerprint of its inputs (see data_version).

    Any new, changed or re-decided hotspot or event changes the key; a stale
    entry expires anyway. The key is hashed so every cache backend accepts it.
    `compute` receives (hotspot points, event points).
    """
    version = selectors.data_version(params.campaign)
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


def hexagon_counts(params: AnalysisParams) -> list[hexagons.CellCounts]:
    """Return the hexagon counts, from the cell rollups (a GROUP BY: no cache)."""
    return selectors.hexagon_cells(params.campaign, resolution=params.resolution)


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
            clusters.weighted_points(spots, events, params.variable),
            resolution=params.resolution,
            variable=params.variable,
        ),
    )
