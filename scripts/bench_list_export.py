"""Benchmark the hotspot list API's pages and the hotspot exports on the current DB.

Run it against a large data set (generate_data), e.g. 1M hotspots:

    DATABASE_URL=postgis://... .venv/bin/python scripts/bench_list_export.py
        [--requests 30] [--no-exports] [--no-baseline]

List: warm requests through Django's test client (the whole request path minus
the network), p50 and p99, for a province-sized and a city-sized box at 500
features, a deep page (after following `next` 200 times) and count=true. The
baseline is DRF-gis as the API used it (GeoFeatureModelSerializer, the page
number paginator's COUNT(*), OFFSET), on the same rows in the same run.

Exports: every public hotspot as GeoJSON, CSV and GeoPackage, each in a fresh
process: seconds, bytes, peak RSS of the Python process (for GPKG ogr2ogr runs
in its own process: /usr/bin/time -v ogr2ogr ... measures it).
"""

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework_gis.pagination import GeoJsonPagination  # noqa: E402

from hotspots import selectors  # noqa: E402
from hotspots.filters import HotspotFilter  # noqa: E402
from hotspots.models import Hotspot  # noqa: E402
from hotspots.serializers import HotspotFeatureSerializer  # noqa: E402

LIST = "/api/v1/hotspots/"
PROVINCE = "106.98,15.98,108.2,16.76"
CITY = "107.55,16.43,107.63,16.50"


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, round(0.99 * len(samples)) - 1)]
    return statistics.median(samples), p99


def timed(fn, n: int, warm: int = 3):
    for _ in range(warm):
        fn()
    samples, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return percentiles(samples), out


class Pagination(GeoJsonPagination):
    """The API's former paginator (page numbers, COUNT(*) on every page)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def baseline(params: dict) -> tuple[bytes, list[int]]:
    """Return the page as the DRF-gis list built it, on today's filter and rows."""
    request = Request(RequestFactory().get(LIST, params))
    request.user = AnonymousUser()
    queryset = HotspotFilter(
        request.query_params, queryset=selectors.hotspot_list(user=request.user)
    ).api_queryset()
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request)
    data = HotspotFeatureSerializer(page, many=True, context={"request": request}).data
    body = JSONRenderer().render(paginator.get_paginated_response(data).data)
    return body, [f["properties"]["id"] for f in data["features"]]


def new(client: Client, params: dict | str) -> tuple[bytes, list[int]]:
    """Return the page from the API (`params`, or a `next` URL)."""
    if isinstance(params, str):
        response = client.get(params)
    else:
        response = client.get(LIST, params)
    assert response.status_code == 200, response.content[:300]
    body = response.content
    return body, [f["id"] for f in json.loads(body)["features"]]


def row(label: str, stats, body: bytes, ids: list[int], base=None) -> None:
    p50, p99 = stats
    digest = hashlib.md5(str(ids).encode()).hexdigest()[:8]
    line = f"{label:38s} {len(ids):4d} feat  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms"
    line += f"  {len(body) / 1000:6.0f} kB  rows {digest}"
    if base:
        line += (
            f"  baseline p50 {base[0]:7.1f} p99 {base[1]:7.1f}  ×{base[0] / p50:5.1f}"
        )
    print(line, flush=True)


def bench_list(n: int, with_baseline: bool) -> None:
    client = Client()
    cases = [
        ("province box, 500", {"in_bbox": PROVINCE, "page_size": "500"}),
        ("city box, 500", {"in_bbox": CITY, "page_size": "500"}),
        ("no filter, 100", {}),
    ]
    for label, params in cases:
        stats, (body, ids) = timed(lambda p=params: new(client, p), n)
        base = None
        if with_baseline:
            base, (_b, base_ids) = timed(lambda p=params: baseline(p), n)
            assert base_ids == ids, "the baseline and the new list differ"
        row(label, stats, body, ids, base)
    first = json.loads(new(client, cases[0][1])[0])
    for _ in range(200):
        first = json.loads(client.get(first["next"]).content)
    deep = first["next"]
    stats, (body, ids) = timed(lambda: new(client, deep), n)
    row("province box, 500, 100,500 rows deep", stats, body, ids)
    params = {**cases[0][1], "count": "true"}
    stats, (body, ids) = timed(lambda: new(client, params), max(3, n // 3), warm=1)
    row("province box, 500, count=true", stats, body, ids)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def one_export(fmt: str) -> None:
    import maps.exports  # noqa: F401 — its libraries (geopandas...) count as before

    before = _rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    response = Client().get(f"/exports/hotspots.{fmt}")
    size = 0
    for piece in response.streaming_content:
        size += len(piece)
    print(
        json.dumps(
            {
                "status": response.status_code,
                "seconds": time.perf_counter() - t0,
                "python_cpu": time.process_time() - cpu0,
                "bytes": size,
                "rss_before_mb": before,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                / 1024,
            }
        )
    )


def bench_exports() -> None:
    print(f"public hotspots: {Hotspot.objects.public().count():,}", flush=True)
    for fmt in ("geojson", "csv", "gpkg"):
        done = subprocess.run(
            [sys.executable, __file__, "--one-export", fmt],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        line = f"export {fmt:8s} {result['status']}  {result['seconds']:6.1f} s"
        line += f"  {result['bytes'] / 1e6:7.1f} MB  Python CPU"
        line += (
            f" {result['python_cpu']:5.1f} s  peak RSS {result['peak_rss_mb']:5.0f} MB"
            f" ({result['rss_before_mb']:.0f} MB before the request)"
        )
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--one-export")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    if args.one_export:
        one_export(args.one_export)
        return
    load = os.getloadavg()[0]
    print(f"{platform.node()}: {os.cpu_count()} cores, load {load:.1f}", flush=True)
    bench_list(args.requests, not args.no_baseline)
    if not args.no_exports:
        bench_exports()


if __name__ == "__main__":
    main()
