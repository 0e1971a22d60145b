"""Benchmark the hotspot API on a realistic number of hotspots.

Inserts N hotspots (default 20,000) spread over the demo province in a
transaction that is rolled back, then times, through Django's test client
(the whole request path minus the network):
  - GET /api/v1/hotspots/ (a page of 100, public view),
  - GET /api/v1/hotspots/?in_bbox=... (a city-sized box),
  - GET /api/v1/hotspots/nearby/ (the check the reporting page makes),
  - POST /api/v1/hotspots/ (a report: gate, areas, duplicate check, score, history).

    .venv/bin/python scripts/bench_hotspots.py [--hotspots 20000] [--requests 200]
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import Point  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from geo.models import AdminArea  # noqa: E402
from hotspots.models import Hotspot, SizeClass, Status  # noqa: E402


class Rollback(Exception):
    pass


def timed(fn, n: int) -> tuple[float, float]:
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotspots", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(7)
    province = AdminArea.objects.filter(level="province").first()
    if province is None:
        sys.exit("Load the demo data first (make run, or manage.py load_demo).")
    xmin, ymin, xmax, ymax = province.geom.extent
    sizes = list(SizeClass.objects.all())
    statuses = [Status.VERIFIED] * 6 + [Status.REPORTED] * 3 + [Status.CLEANED]
    client = Client()
    try:
        with transaction.atomic():
            Hotspot.objects.bulk_create(
                [
                    Hotspot(
                        location=Point(
                            rng.uniform(xmin, xmax), rng.uniform(ymin, ymax), srid=4326
                        ),
                        category=rng.choice(["plastic", "water_hyacinth", "household"]),
                        size_class=rng.choice(sizes),
                        status=rng.choice(statuses),
                        score=rng.uniform(0, 100),
                    )
                    for _ in range(args.hotspots)
                ],
                batch_size=2000,
            )
            n = args.requests
            results = {
                "GET list, page of 100": timed(
                    lambda i: client.get("/api/v1/hotspots/"), n
                ),
                "GET list in a city bbox": timed(
                    lambda i: client.get(
                        "/api/v1/hotspots/", {"in_bbox": "107.55,16.43,107.63,16.50"}
                    ),
                    n,
                ),
                "GET nearby (50 m)": timed(
                    lambda i: client.get(
                        "/api/v1/hotspots/nearby/",
                        {
                            "lon": rng.uniform(107.5, 107.7),
                            "lat": rng.uniform(16.4, 16.5),
                        },
                    ),
                    n,
                ),
                "POST a report (JSON)": timed(
                    lambda i: client.post(
                        "/api/v1/hotspots/",
                        {
                            "lon": rng.uniform(107.5, 107.7),
                            "lat": rng.uniform(16.4, 16.5),
                            "category": "plastic",
                            "size_class": "bag",
                        },
                        content_type="application/json",
                        REMOTE_ADDR=f"10.{i // 250}.{i % 250}.1",  # stay under the throttle
                    ),
                    n,
                ),
            }
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            )
            print(
                f"data: {Hotspot.objects.count()} hotspots; {n} requests each, one client, in-process"
            )
            for name, (median, p95) in results.items():
                print(f"{name:28s} median {median:7.2f} ms   p95 {p95:7.2f} ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
