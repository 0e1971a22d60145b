"""Hexagon analyses: counts per cell, coverage gaps and Gi* clusters.

Counts are summed on request from the cell rollups (maps.selectors.hexagon_cells,
kept by database triggers). Gaps and Gi* are computed
by a background job (maps.jobs, on the Celery worker) and stored with the time
they were computed (maps.models.AnalysisResult): a page or API reads the stored
result, says how fresh it is, and — when the data have changed since — asks for
a new computation (debounced: one waiting job per analysis). Gi* (999
permutations) never runs on a request.
"""

import datetime as dt
import functools
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache

from jobs.services import job_request

from . import clusters, hexagons, selectors, tiles
from .models import AnalysisKind
from .params import AnalysisParams

JOB = "maps.analysis"


def hexagon_counts(params: AnalysisParams) -> list[hexagons.CellCounts]:
    """Return the hexagon counts, from the cell rollups (a GROUP BY: no cache)."""
    return selectors.hexagon_cells(params.campaign, resolution=params.resolution)


# --- the hexagon tiles (maps.tile_views) ------------------------------------------

GAP_CELLS_CACHE_S = 3600  # keyed by the stored computation: never stale, only unused


def hexagon_version(params: AnalysisParams) -> str:
    """Return the version of the hexagon tiles of the parameters' campaign."""
    return selectors.hexagon_version(
        params.campaign, gaps=gaps_request(params).lookup()
    )


def stored_gap_cells(params: AnalysisParams, *, resolution: int) -> dict[str, int]:
    """Return {cell: stored coverage gaps in it} at a resolution ({}: none computed).

    Counted once per stored computation and resolution (in the shared cache),
    not per tile: a tile reads the dictionary, not the gaps.
    """
    stamp = selectors.analysis_stamp(gaps_request(params).lookup())
    if not stamp:
        return {}
    key = f"hexagons:gap-cells:{resolution}:{stamp}"
    cells = cache.get(key)
    if cells is None:
        points = selectors.stored_gap_points(stamp)
        cells = dict(
            Counter(hexagons.cell_of(lon, lat, resolution) for lon, lat in points)
        )
        cache.set(key, cells, GAP_CELLS_CACHE_S)
    return cells


def hexagon_tile(tile: tiles.Tile, params: AnalysisParams) -> bytes:
    """Return the hexagon tile of the parameters (resolution capped by the zoom)."""
    resolution = tiles.hexagon_resolution(tile, params.resolution)
    return selectors.hexagon_tile(
        tile,
        campaign=params.campaign,
        resolution=resolution,
        gaps=stored_gap_cells(params, resolution=resolution),
    )


# --- stored analyses -------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What a stored analysis says, and how fresh it is."""

    kind: str
    value: Any  # list[Gap] | ClusterResult | None (none computed yet / too large)
    computed_at: dt.datetime | None
    fresh: bool  # computed from the data as they are now
    pending: bool  # a (new) computation is queued or running
    too_large: bool = False  # Gi*: the study area exceeds MAX_STUDY_CELLS

    @property
    def ready(self) -> bool:
        return self.computed_at is not None

    def status(self) -> dict:
        """Return the freshness fields the APIs add to their bodies."""
        return {
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "fresh": self.fresh,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class Request:
    """One analysis to compute: its kind and what it depends on."""

    kind: str
    campaign_pk: int
    resolution: int = 0
    variable: str = ""
    parameter: str = ""

    def key(self) -> str:
        """Return the job key (the job's only input; readable in the job list)."""
        parts = [self.kind, f"campaign={self.campaign_pk}"]
        if self.kind == AnalysisKind.GI_STAR:
            parts += [f"resolution={self.resolution}", f"variable={self.variable}"]
        else:
            parts.append(f"distance={self.parameter}")
        return " ".join(parts)

    @classmethod
    def from_key(cls, key: str) -> "Request":
        kind, *pairs = key.split()
        values = dict(pair.split("=", 1) for pair in pairs)
        return cls(
            kind=kind,
            campaign_pk=int(values["campaign"]),
            resolution=int(values.get("resolution", 0)),
            variable=values.get("variable", ""),
            parameter=values.get("distance", ""),
        )

    def lookup(self) -> dict:
        return {
            "kind": self.kind,
            "campaign_id": self.campaign_pk,
            "resolution": self.resolution,
            "variable": self.variable,
            "parameter": self.parameter,
        }


def gaps_request(params: AnalysisParams) -> Request:
    distance = f"{hexagons.gap_distance_m():g}"
    return Request(AnalysisKind.GAPS, params.campaign.pk, parameter=distance)


def gi_request(params: AnalysisParams) -> Request:
    return Request(
        AnalysisKind.GI_STAR,
        params.campaign.pk,
        resolution=params.resolution,
        variable=params.variable,
    )


TOO_LARGE = "too_large"


@functools.lru_cache(maxsize=16)
def _decoded(kind: str, pk: int, computed_at: dt.datetime):
    """Return a stored result's value (TOO_LARGE, or None if deleted since).

    A stored row is rewritten whole with a new computed_at, so (pk, computed_at)
    names one value for good: each worker decodes it once (a Gi* payload at 1M
    hotspots is ~0.5 MB of JSON, ~20 ms to read and decode), not per request.
    """
    payload = selectors.analysis_payload(pk)
    if payload is None:
        return None
    if payload.get("too_large"):
        return TOO_LARGE
    return decode(kind, payload)


def _refresh(request: Request, campaign, version: str | None) -> tuple[bool, bool]:
    """Return (fresh, pending), queueing a computation unless the stored result
    (of `version`; None: none yet) is of the data as they are now."""
    fresh = version is not None and version == selectors.analysis_version(campaign)
    if not fresh:
        job_request(name=JOB, key=request.key())
    return fresh, not fresh


def _stored(request: Request, campaign) -> Analysis:
    row = selectors.analysis_result(**request.lookup())
    fresh, pending = _refresh(request, campaign, row and row.version)
    value = None if row is None else _decoded(request.kind, row.pk, row.computed_at)
    if value is None:
        return Analysis(request.kind, None, None, False, pending)
    if value is TOO_LARGE:
        return Analysis(request.kind, None, row.computed_at, fresh, pending, True)
    return Analysis(request.kind, value, row.computed_at, fresh, pending)


def _summary(request: Request, campaign) -> Analysis:
    row = selectors.analysis_summary(request.lookup())
    fresh, pending = _refresh(request, campaign, row and row["version"])
    if row is None:
        return Analysis(request.kind, None, None, False, pending)
    if row["too_large"]:
        return Analysis(request.kind, None, row["computed_at"], fresh, pending, True)
    if request.kind == AnalysisKind.GAPS:
        value = row["gaps"]
    else:
        value = clusters.ClusterSummary(
            row["variable"],
            row["permutations"],
            hot=row["hot"],
            cold=row["cold"],
            total=row["total"],
        )
    return Analysis(request.kind, value, row["computed_at"], fresh, pending)


def stored_gaps(params: AnalysisParams, *, summary: bool = False) -> Analysis:
    """Return the stored coverage gaps of the campaign (and queue a refresh).

    summary=True: their number only (counted in PostgreSQL), not the gaps.
    """
    request = gaps_request(params)
    return (_summary if summary else _stored)(request, params.campaign)


def stored_gi_star(params: AnalysisParams, *, summary: bool = False) -> Analysis:
    """Return the stored Gi* result of the parameters (and queue a refresh).

    summary=True: a clusters.ClusterSummary (the counts), not every cell.
    """
    request = gi_request(params)
    return (_summary if summary else _stored)(request, params.campaign)


# --- payloads: plain JSON in the database, objects in the builders ----------------


def encode(kind: str, value) -> dict:
    if kind == AnalysisKind.GAPS:
        return {"gaps": [asdict(gap) for gap in value]}
    return {
        "variable": value.variable,
        "resolution": value.resolution,
        "permutations": value.permutations,
        "cells": [asdict(cell) for cell in value.cells],
    }


def decode(kind: str, payload: dict):
    if kind == AnalysisKind.GAPS:
        return [hexagons.Gap(**gap) for gap in payload["gaps"]]
    return clusters.ClusterResult(
        variable=payload["variable"],
        resolution=payload["resolution"],
        permutations=payload["permutations"],
        cells=[clusters.ClusterCell(**cell) for cell in payload["cells"]],
    )


def compute(request: Request, campaign) -> dict:
    """Compute an analysis from the current data; return its payload."""
    if request.kind == AnalysisKind.GAPS:
        gaps = selectors.coverage_gaps(campaign, distance_m=float(request.parameter))
        return encode(request.kind, gaps)
    # The cells' values from the rollups (hotspots, or verified kg, per cell).
    counts = selectors.hexagon_cells(campaign, resolution=request.resolution)
    try:
        result = clusters.gi_star_cells(
            clusters.count_values(counts, request.variable),
            resolution=request.resolution,
            variable=request.variable,
        )
    except clusters.StudyAreaTooLarge:
        return {"too_large": True}
    return encode(request.kind, result)
