"""Time /ogc/ items pages beside the REST hotspot list, on the same rows.

Read-only: GET requests through Django's test client in one process (the same
connection for both APIs), against whatever DATABASE_URL names, e.g.

    DATABASE_URL="postgis://postgres@/chx_bench_l?host=/work/main/var/pg/run&port=5544" \\
        .venv/bin/python -m bench.ogc_pages

For each case: the first page, and the page reached after 50 `next` hops (100
features a page), each timed `REPEAT` times; prints p50 and p99 in ms.
"""

import os
import statistics
import sys
import time

BOX = "107.54,16.42,107.64,16.50"  # Huế city: ~380k of 1M hotspots
HOPS = 50
REPEAT = int(os.environ.get("OGC_BENCH_REPEAT", "40"))


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def _next_ogc(body: dict) -> str | None:
    return next((k["href"] for k in body["links"] if k["rel"] == "next"), None)


def _next_rest(body: dict) -> str | None:
    return body.get("next")


def _deep(client, url: str, params: dict, following) -> str:
    response = client.get(url, params)
    for _hop in range(HOPS):
        assert response.status_code == 200, response.content[:300]
        href = following(response.json())
        assert href, "fewer pages than hops"
        response = client.get(href)
    assert response.status_code == 200
    return href


def _time(client, url: str, params: dict | None = None) -> tuple[float, float, int]:
    samples, size = [], 0
    client.get(url, params)  # warm
    for _i in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        size = len(response.content)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99, size


def main() -> None:
    client = _setup()
    ogc, rest = "/ogc/collections/hotspots/items", "/api/v1/hotspots/"
    cases = {
        "bbox": ({"bbox": BOX, "limit": 100}, {"in_bbox": BOX, "page_size": 100}),
        "bbox + category=plastic": (
            {"bbox": BOX, "limit": 100, "category": "plastic"},
            {"in_bbox": BOX, "page_size": 100, "category": "plastic"},
        ),
    }
    print(f"{'case':34} {'API':5} {'page':8} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>8}")
    for name, (ogc_params, rest_params) in cases.items():
        deep = {
            "ogc": _deep(client, ogc, ogc_params, _next_ogc),
            "rest": _deep(client, rest, rest_params, _next_rest),
        }
        for api, url, params in (("ogc", ogc, ogc_params), ("rest", rest, rest_params)):
            for page, args in (("first", (url, params)), (f"+{HOPS}", (deep[api],))):
                p50, p99, size = _time(client, *args)
                print(f"{name:34} {api:5} {page:8} {p50:8.1f} {p99:8.1f} {size:8}")
                sys.stdout.flush()
    for url in ("/ogc/collections", "/ogc/collections/hotspots/items?limit=100"):
        p50, p99, size = _time(client, url)
        print(f"{url:49} {p50:8.1f} {p99:8.1f} {size:8}")


if __name__ == "__main__":
    main()
