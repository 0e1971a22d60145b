"""Time the pages and APIs that read the rollups, on the database in DATABASE_URL.

Through Django's test client (the whole request path minus the network), as an
IOC account (created if missing): `--calls` warm calls per path after one
untimed call, median and p99 in ms. Run it on a copy of a generate_data
database, on this branch and on a checkout of the baseline, same rows:

    DATABASE_URL=postgis://.../chx_l_copy .venv/bin/python scripts/bench_rollups.py

The hexagon page's Gi* and gaps still read every point (cached by a data
version): --hexagons also times it with the cache cleared before each call, and
each of its three analyses alone (--calls of them, at most 3 for the slow ones).

--ingest N times N reports (hotspot_report, each committed) from --clients C
threads at once, with the rollup triggers on, then with them suspended; the
reports are deleted afterwards. --category mixed spreads them over the
categories; by default they all add to the same platform rollup rows (the
worst case for those rows' locks).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.services import user_upsert  # noqa: E402
from events.models import Campaign  # noqa: E402


def _timed(call, n: int) -> tuple[float, float]:
    call()  # warm: connections, caches, templates
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--campaign", default="synthetic")
    parser.add_argument("--hexagons", action="store_true")
    parser.add_argument("--ingest", type=int, default=0)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--category", default="plastic", help="or: mixed")
    args = parser.parse_args()
    if args.ingest:
        _ingest(args.ingest, args.clients, args.category)
        return
    campaign = Campaign.objects.get(slug=args.campaign)
    ioc, _ = user_upsert(username="bench-ioc", role="ioc", password=None)
    client = Client()
    client.force_login(ioc)
    query = f"campaign={campaign.slug}"
    day = campaign.activity_start.isoformat()
    paths = [
        f"/dashboard/?{query}",
        f"/maps/coverage/?{query}&level=district",
        f"/api/v1/coverage/?{query}&level=district",
        "/maps/heatmap/",
        "/maps/heatmap/?source=cleanups",
        f"/maps/heatmap/?{query}&period={day}",
        f"/api/v1/coverage/hexagons/?{query}&resolution=8",
        f"/api/v1/coverage/hexagons/?{query}&resolution=9",
    ]
    if args.hexagons:
        paths.append(f"/maps/hexagons/?{query}")
    print(f"{'path':62} {'p50 ms':>9} {'p99 ms':>9} {'bytes':>10}")
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        p50, p99 = _timed(lambda path=path: client.get(path), args.calls)
        print(f"{path:62} {p50:9.1f} {p99:9.1f} {len(response.content):10}")
    if args.hexagons:
        _hexagon_parts(campaign, args.calls)


def _hexagon_parts(campaign, calls: int) -> None:
    from maps import analysis
    from maps.params import analysis_params

    params = analysis_params({"campaign": campaign.slug})
    slow = min(calls, 3)
    client = Client()
    client.force_login(user_upsert(username="bench-ioc", role="ioc")[0])
    for name, part, n in (
        ("hexagon page, cache cleared", None, slow),
        # The baseline's name for it, or this branch's (from the rollups).
        (
            "  counts",
            getattr(analysis, "cached_counts", None) or analysis.hexagon_counts,
            calls,
        ),
        ("  gaps", analysis.cached_gaps, slow),
        ("  Gi*", analysis.cached_gi_star, slow),
    ):

        def call(part=part):
            cache.clear()
            analysis._points.cache_clear()
            if part is None:
                client.get(f"/maps/hexagons/?campaign={campaign.slug}")
            else:
                part(params)

        p50, p99 = _timed(call, n)
        print(f"{name:62} {p50:9.1f} {p99:9.1f}   ({n} calls)")


def _free_point(rng):
    """Return a point in Huế with no cleaned hotspot within the duplicate radius
    (a report there would reopen that hotspot instead of making a new one)."""
    from django.conf import settings
    from django.contrib.gis.geos import Point

    from hotspots.models import Hotspot

    while True:
        point = Point(107.55 + rng.random() * 0.1, 16.42 + rng.random() * 0.08)
        point.srid = 4326
        cleaned = Hotspot.objects.filter(status="cleaned").near(
            point, settings.HOTSPOT_DUPLICATE_RADIUS_M
        )
        if not cleaned.exists():
            return point


def _ingest(n: int, clients: int, category: str = "plastic") -> None:
    import random
    import threading

    from django.db import connection, transaction

    from hotspots.models import Category, Hotspot, SizeClass
    from hotspots.services import hotspot_report

    size = SizeClass.objects.order_by("id").first()
    # One category: every report shares the platform's rollup rows of the day.
    choices = Category.values if category == "mixed" else [category]
    lock = threading.Lock()
    for label, suspended in (("triggers on", False), ("triggers suspended", True)):
        made: list[int] = []
        times: list[float] = []

        def client(seed: int, suspended=suspended, made=made, times=times):
            rng = random.Random(seed)
            for _ in range(n // clients):
                point = _free_point(rng)
                started = time.perf_counter()
                with transaction.atomic():
                    if suspended:
                        with connection.cursor() as cursor:
                            cursor.execute("SET LOCAL maps.rollups_suspended = 'on'")
                    result = hotspot_report(
                        location=point, category=rng.choice(choices), size_class=size
                    )
                    assert result.created, "a report next to a cleaned hotspot"
                    spot = result.hotspot
                with lock:
                    made.append(spot.pk)
                    times.append((time.perf_counter() - started) * 1000)
            connection.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        with transaction.atomic():
            if suspended:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL maps.rollups_suspended = 'on'")
            Hotspot.objects.filter(pk__in=made).delete()
        times.sort()
        print(
            f"{clients} clients, {category}, {label:20}"
            f" {len(made) / seconds:7.1f} reports/s"
            f"  p50 {statistics.median(times):7.1f} ms"
            f"  p99 {times[round(0.99 * (len(times) - 1))]:7.1f} ms"
        )


if __name__ == "__main__":
    main()
