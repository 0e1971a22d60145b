"""Measure the read replica: a report's replication lag, and list reads on each side.

Needs DATABASE_URL (the primary) and DATABASE_REPLICA_URL (its streaming replica,
e.g. made by scripts/replica.sh) naming the same database. Writes reports into
that database: run it on a copy, never on data you keep.

  - lag: POST /api/v1/hotspots/ through the test client, then poll the replica
    for the new row: the ms from the 201 until the replica has it (what a
    reporter without the read_primary cookie would wait), and the ms from the
    commit until the replica has replayed its WAL position.
  - reads: W processes, each an anonymous client doing GET /api/v1/hotspots/
    ?in_bbox=<a city, a ward>&page_size=100 for S seconds; once served by the replica (the
    router's choice for such a request), once with the read_primary cookie
    (served by the primary). Same rows, same code, same machine and cores.

    DATABASE_URL=... DATABASE_REPLICA_URL=... \\
      .venv/bin/python scripts/bench_replica.py [--reports 100] [--workers 2]
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# One client posts every report: this measures replication, not throttling.
os.environ.setdefault("THROTTLE_REPORT_ANON", "1000000/hour")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from config.middleware import PRIMARY_COOKIE  # noqa: E402

LIST = "/api/v1/hotspots/"
BOXES = {  # lon/lat
    "city": "107.55,16.44,107.62,16.49",  # Thành phố Huế, ~7 x 5.5 km
    "ward": "107.585,16.46,107.595,16.47",  # ~1 x 1 km in the centre
}


def one_value(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p99 = samples[max(0, int(len(samples) * 0.99) - 1)]
    return (
        f"median {statistics.median(samples):.2f} ms, p99 {p99:.2f} ms, "
        f"max {samples[-1]:.2f} ms (n={len(samples)})"
    )


def lag(reports: int) -> None:
    client = APIClient()
    visible, replayed = [], []
    for i in range(reports):
        body = {
            "lon": 107.56 + 0.0005 * (i % 100),
            "lat": 16.45 + 0.0005 * (i // 100),
            "category": "plastic",
            "size_class": "bag",
            "client_uuid": str(uuid.uuid4()),
        }
        response = client.post(LIST, body, format="json")
        done = time.perf_counter()
        assert response.status_code in (200, 201), response.content
        lsn = one_value("default", "SELECT pg_current_wal_lsn()::text")
        pk = response.json()["hotspot"]["properties"]["id"]
        seen = None
        while True:
            if seen is None and one_value(
                "replica", "SELECT count(*) FROM hotspots_hotspot WHERE id = %s", [pk]
            ):
                seen = time.perf_counter()
            if seen is not None and one_value(
                "replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
            ):
                break
        visible.append((seen - done) * 1000)
        replayed.append((time.perf_counter() - done) * 1000)
    print(f"report visible on the replica after the 201: {summary(visible)}")
    print(f"primary's WAL position replayed after the 201: {summary(replayed)}")


def _marker(served: set[str], alias: str):
    def wrapper(execute, sql, params, many, context):
        served.add(alias)
        return execute(sql, params, many, context)

    return wrapper


def reader(args) -> tuple[int, list[float], set[str]]:
    on_primary, bbox, seconds = args
    connections.close_all()  # never share the parent's connections
    client = APIClient()
    if on_primary:
        client.cookies[PRIMARY_COOKIE] = "1"
    served: set[str] = set()
    for alias in connections:
        connections[alias].execute_wrappers.append(_marker(served, alias))
    query = {"in_bbox": bbox, "page_size": 100}
    for _ in range(2):  # warm: connection, caches
        client.get(LIST, query)
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        response = client.get(LIST, query)
        assert response.status_code == 200
        samples.append((time.perf_counter() - t0) * 1000)
    return len(samples), samples, served


def reads(box: str, workers: int, seconds: float) -> None:
    for on_primary in (False, True):
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(reader, [(on_primary, BOXES[box], seconds)] * workers)
        count = sum(r[0] for r in results)
        samples = [s for r in results for s in r[1]]
        served = sorted(set().union(*(r[2] for r in results)))
        print(
            f"list, {box} bbox, 100 per page, {workers} clients, served by "
            f"{'+'.join(served)}: {count / seconds:.1f} req/s; {summary(samples)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--box", choices=sorted(BOXES), action="append")
    args = parser.parse_args()
    assert "replica" in settings.DATABASES, "set DATABASE_REPLICA_URL"
    settings.ALLOWED_HOSTS = ["*"]
    print(f"{os.cpu_count()} cores; primary and replica on this one machine")
    lag(args.reports)
    connections.close_all()
    for box in args.box or sorted(BOXES):
        reads(box, args.workers, args.seconds)


if __name__ == "__main__":
    main()
