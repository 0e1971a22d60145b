"""Percentiles and summaries of timed samples (plain numbers in, plain numbers out)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the q-th percentile (0..100) of `values`, linearly interpolated
    between the closest ranks (numpy's default); None for no values."""
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """What a set of requests measured: latencies in ms, throughput, errors, size."""

    n: int
    p50_ms: float | None
    p99_ms: float | None
    rps: float | None  # requests per second over the run's wall time, when relevant
    errors: int
    bytes: int | None  # the response size (the largest, for a set of URLs)


def summarize(
    latencies_s: Sequence[float],
    *,
    errors: int = 0,
    wall_s: float | None = None,
    size: int | None = None,
) -> Summary:
    """Summarize latencies in seconds (successful requests only) and a run's wall
    time: requests per second counts successes only."""
    ms = [s * 1000 for s in latencies_s]
    rps = len(ms) / wall_s if wall_s else None
    return Summary(
        n=len(ms),
        p50_ms=percentile(ms, 50),
        p99_ms=percentile(ms, 99),
        rps=rps,
        errors=errors,
        bytes=size,
    )
