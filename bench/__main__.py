"""`make bench`: build (or reuse) the data sets, measure each, print one table.

    python -m bench [--sizes S,M,L] [--fresh]

Environment: BENCH_SIZES (S,M,L), BENCH_FRESH=1 (rebuild the data sets),
BENCH_TEMPLATE_S/M/L (build that size from a copy of an existing database made
by generate_data with the same arguments), BENCH_MIXED_S (the mixed load's
seconds; default 30/45/120 at S/M/L), BENCH_INGEST_S, BENCH_THROUGHPUT_S,
BENCH_BUDGET_S (a latency workload's seconds), BENCH_REQUESTS,
BENCH_THINK_S (a mixed-load user's mean pause between requests; default 2),
BENCH_WORKERS (gunicorn workers; default `make run`'s 3, or the gunicorn config),
BENCH_KEEP=1 (keep the run's database copies), BENCH_DB_PREFIX (chx_bench),
BENCH_ONLY (comma-separated parts of workload names: measure only those).

Writes var/bench/bench-<date>.csv, var/bench/latest.csv and var/bench/latest.md.
"""

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

from . import datasets
from .config import ROOT, VAR, VENV, chosen_sizes
from .report import (
    apply_flat,
    csv_text,
    machine_info,
    markdown_report,
    row_from_dict,
    text_table,
)
from .workloads import WORKLOADS


def log(message: str) -> None:
    print(message, flush=True)


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+changes" if dirty else "")


def measure(size, database: str, out) -> None:
    """Run bench.run for one size; on an interruption, let it stop its servers."""
    command = [str(VENV / "bin" / "python"), "-m", "bench.run", size.name]
    child = subprocess.Popen(
        [*command, "--database", database, "--out", str(out)], cwd=ROOT
    )
    try:
        code = child.wait()
    except BaseException:
        child.send_signal(signal.SIGTERM)  # bench.run stops gunicorn and Celery
        child.wait(timeout=120)
        raise
    if code != 0:
        raise SystemExit(f"bench.run {size.name} failed ({code})")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--sizes", default=None, help="S,M,L (default BENCH_SIZES or all)"
    )
    parser.add_argument("--fresh", action="store_true", default=None)
    args = parser.parse_args(argv)
    sizes = chosen_sizes(args.sizes)
    fresh = args.fresh or os.environ.get("BENCH_FRESH", "") in ("1", "true", "yes")
    keep = os.environ.get("BENCH_KEEP", "") in ("1", "true", "yes")
    started = time.perf_counter()
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    VAR.mkdir(parents=True, exist_ok=True)
    rows, metas = [], []
    first_dataset = None
    for size in sizes:
        template = os.environ.get(f"BENCH_TEMPLATE_{size.name}") or None
        dataset = datasets.ensure(size, fresh=fresh, template=template, log=log)
        first_dataset = first_dataset or dataset.name
        run_db = datasets.run_name(size)
        copy_started = time.perf_counter()
        datasets.create(run_db, template=dataset.name)
        log(
            f"{size.name}: measuring on {run_db} (copied in {time.perf_counter() - copy_started:.0f} s)"
        )
        out = VAR / f"run-{size.name}.json"
        out.unlink(missing_ok=True)
        try:
            measure(size, run_db, out)
        finally:
            if not keep:
                datasets.drop(run_db)
        result = json.loads(out.read_text())
        metas.append({**result["meta"], "dataset": dataset.marker})
        rows += [row_from_dict(r) for r in result["rows"]]
    rows = apply_flat(rows, {w.name for w in WORKLOADS if w.flat})
    # Workload order, then size: a workload's sizes side by side.
    order = {w.name: i for i, w in enumerate(WORKLOADS)}
    rows.sort(key=lambda r: (order.get(r.workload, len(order)), "SML".index(r.size)))
    machine = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        **machine_info(datasets.server_version(first_dataset)),
        "code": git_revision(),
        "server": metas[0]["server"] if metas else "",
        "data": "; ".join(
            f"{m['size']} {m['counts']['hotspots']:,} hotspots, "
            f"{m['counts']['events']:,} events"
            for m in metas
        ),
    }
    log("")
    log(text_table(rows))
    log("")
    log("Machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()))
    csv_body = csv_text(rows, machine)
    for name in (f"bench-{stamp}.csv", "latest.csv"):
        (VAR / name).write_text(csv_body, encoding="utf-8")
    (VAR / "latest.md").write_text(markdown_report(rows, machine), encoding="utf-8")
    log(
        f"Wrote {VAR / f'bench-{stamp}.csv'} and {VAR / 'latest.md'} "
        f"in {(time.perf_counter() - started) / 60:.1f} min"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
