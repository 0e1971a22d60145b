"""Throttles hold across gunicorn workers and restarts, and under concurrency.

A real gunicorn with three worker processes (4 threads each) serves the test
database; every request is a new connection. The counters live in Redis (the
test run's key prefix): the same for every worker, kept across a restart, and
counted atomically (DRF's get-then-set let concurrent requests all pass).
"""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection

from .live import LiveServer

HUE = (107.5786, 16.4698)
RATE = 5


def post_report(base: str, i: int) -> tuple[int, str | None]:
    body = json.dumps(
        {
            "lon": HUE[0] + (i % 50) * 0.001,
            "lat": HUE[1],
            "category": "plastic",
            "size_class": "several_bags",
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/hotspots/",
        data=body,
        headers={"Content-Type": "application/json", "Connection": "close"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


@pytest.fixture
def server(demo_areas_tx, tmp_path_factory):
    settings = connection.settings_dict
    options = settings.get("OPTIONS", {})
    host = settings["HOST"] or options.get("host", "")
    port = settings["PORT"] or options.get("port", "")
    url = f"postgis://{settings['USER']}@/{settings['NAME']}?host={host}&port={port}"
    live = LiveServer(
        url,
        tmp_path_factory.mktemp("gunicorn") / "gunicorn.log",
        THROTTLE_REPORT_ANON=f"{RATE}/hour",
    )
    live.start()
    yield live
    live.stop()


def test_the_rate_holds_across_workers_and_restarts(server):
    codes = [post_report(server.base, i) for i in range(3)]
    server.new_workers()  # three new processes: no per-process memory left
    codes += [post_report(server.base, i) for i in range(3, 8)]
    assert [code for code, _ in codes] == [201] * RATE + [429] * 3
    assert all(0 < int(wait) <= 3600 for code, wait in codes if code == 429)
    server.stop()
    server.start()
    after = [post_report(server.base, i) for i in range(8, 10)]
    assert [code for code, _ in after] == [429, 429]
    from hotspots.models import Hotspot

    assert Hotspot.objects.count() == RATE


def test_concurrent_requests_do_not_pass_the_rate(server):
    tries = 20
    barrier = threading.Barrier(tries)
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        barrier.wait(timeout=30)
        result = post_report(server.base, i)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(code for code, _ in results)
    passed = codes.count(201)
    assert passed == RATE, f"{passed} of {tries} concurrent requests passed"
    assert codes == [201] * RATE + [429] * (tries - RATE)
    from hotspots.models import Hotspot

    assert Hotspot.objects.count() == RATE
