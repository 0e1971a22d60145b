"""Benchmark the map pages with many synthetic hotspots: time and bytes per page.

Generates N synthetic hotspots (default 100,000) and M events inside a
transaction that is rolled back, then fetches each map page through Django's
test client (the whole request path minus the network) and prints the median
time and the response size.

    .venv/bin/python scripts/bench_maps.py [--hotspots 100000] [--events 5000] [--repeat 3]
"""

import argparse
import os
import platform
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

import maps.analysis_apis  # noqa: E402,F401  (esda/libpysal imports are not page time)
from accounts.services import user_upsert  # noqa: E402
from hotspots.models import Hotspot  # noqa: E402


class Rollback(Exception):
    pass


PAGES = [
    ("/maps/", False),
    ("/maps/?status=verified", False),
    ("/maps/heatmap/?campaign=synthetic", True),
    ("/maps/coverage/?campaign=synthetic", False),
    ("/maps/hexagons/?campaign=synthetic", False),
    ("/dashboard/?campaign=synthetic", True),
    ("/hotspots/", False),
    ("/api/v1/coverage/?campaign=synthetic&level=district", False),
    ("/api/v1/coverage/hexagons/?campaign=synthetic", False),
    ("/api/v1/analysis/clusters/?campaign=synthetic&variable=hotspots", False),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotspots", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            call_command(
                "generate_data",
                "--hotspots",
                str(args.hotspots),
                "--events",
                str(args.events),
                stdout=StringIO(),
            )
            generated = time.perf_counter() - t0
            ioc, _ = user_upsert(username="bench-ioc", role="ioc")
            staff = Client()
            staff.force_login(ioc)
            public = Client()
            public.get("/maps/coverage/?campaign=demo")  # warm Django (templates, URLs)
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            )
            print(
                f"data: {Hotspot.objects.count()} hotspots (+{args.hotspots} synthetic, "
                f"generated in {generated:.1f} s), {args.events} synthetic events"
            )
            for url, needs_login in PAGES:
                client = staff if needs_login else public
                samples, size, status = [], 0, 0
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    response = client.get(url)
                    samples.append((time.perf_counter() - start) * 1000)
                    body = (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else response.content
                    )
                    size, status = len(body), response.status_code
                # The first request computes cached analyses; the median shows
                # the steady state.
                print(
                    f"{url:62s} {status} first {samples[0]:7.0f} ms "
                    f"median {statistics.median(samples):7.0f} ms {size / 1024:7.0f} KiB"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
