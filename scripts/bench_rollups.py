"""Time the pages and APIs that read the rollups, on the database in DATABASE_URL.

Through Django's test client (the whole request path minus the network), as an
IOC account (created if missing): `--calls` warm calls per path after one
untimed call, median and p99 in ms. Run it on a copy of a generate_data
database, on this branch and on a checkout of the baseline, same rows:

    DATABASE_URL=postgis://.../chx_l_copy .venv/bin/python scripts/bench_rollups.py

The hexagon page's Gi* and gaps still read every point (cached by a data
version): --hexagons also times it with the cache cleared before each call, and
each of its three analyses alone (--calls of them, at most 3 for the slow ones).
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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
