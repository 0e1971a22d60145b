"""The data set sizes and the run's options (environment variables)."""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VAR = ROOT / "var" / "bench"


@dataclass(frozen=True)
class Size:
    name: str
    hotspots: int
    events: int
    mixed_s: float  # default duration of the mixed load


SIZES = {
    "S": Size("S", 10_000, 1_000, mixed_s=30),
    "M": Size("M", 100_000, 5_000, mixed_s=45),
    "L": Size("L", 1_000_000, 20_000, mixed_s=120),
}


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def chosen_sizes(value: str | None = None) -> list[Size]:
    """Return the sizes named in `value` or BENCH_SIZES ("S,M"; default all)."""
    value = value if value is not None else os.environ.get("BENCH_SIZES", "")
    names = [n.strip().upper() for n in value.split(",") if n.strip()] or list(SIZES)
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        raise SystemExit(f"unknown size(s) {', '.join(unknown)}: choose from S, M, L")
    return [SIZES[n] for n in names]


@dataclass(frozen=True)
class Options:
    """How long and how much each kind of workload runs (seconds, counts)."""

    budget_s: float  # a latency workload's time budget
    max_requests: int  # ... and its most timed requests
    min_requests: int  # ... and its fewest, whatever the budget
    warmup: int  # untimed rounds before timing
    throughput_s: float  # /healthz and tiles at concurrency 8
    ingest_s: float
    mixed_s: float | None  # None: the size's default
    think_s: float  # a mixed-load user's mean pause between requests
    job_timeout_s: float  # waiting for a background analysis
    baseline_budget_s: float

    @classmethod
    def from_env(cls) -> "Options":
        mixed = os.environ.get("BENCH_MIXED_S", "").strip()
        return cls(
            budget_s=env_float("BENCH_BUDGET_S", 8),
            max_requests=int(env_float("BENCH_REQUESTS", 50)),
            min_requests=int(env_float("BENCH_MIN_REQUESTS", 3)),
            warmup=int(env_float("BENCH_WARMUP", 2)),
            throughput_s=env_float("BENCH_THROUGHPUT_S", 10),
            ingest_s=env_float("BENCH_INGEST_S", 15),
            mixed_s=float(mixed) if mixed else None,
            think_s=env_float("BENCH_THINK_S", 2),
            job_timeout_s=env_float("BENCH_JOB_TIMEOUT_S", 600),
            baseline_budget_s=env_float("BENCH_BASELINE_BUDGET_S", 10),
        )
