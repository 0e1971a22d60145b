"""`make phonebench`: the reporting page on a phone budget (issue 12, Deliver 9).

A benchmark script, not a test. Serves the site with gunicorn (the configured
database, normally the demo one; its own port, throttles off for the run) and
drives Debian's Chromium at phone width through the reporting page, twice: on
the plain local network (the baseline) and on an emulated slow 3G (400 kbit/s
each way, 400 ms round trip) with the CPU slowed 4x (Chrome DevTools Protocol).
Prints, for each:

  page weight      bytes transferred to open the page, before photos and tiles
                   (tiles and photos are not counted; outside requests are refused)
  open→stored      from starting to open the page to the report stored (201),
                   a person's taps included as fast as a script makes them
  return→stored    a report made offline waits in the outbox; from the network's
                   return to the server's answer to the outbox's send

Targets: < 300 KB, < 10 s, < 5 s. The reports it stores are deleted at the end.

    python -m bench.phone            (DATABASE_URL, CHROMIUM as for the tests)
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SLOW_3G = {
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
CPU_SLOWDOWN = 4
MARK = "phonebench"  # the description of the reports it makes
TARGETS = {"weight_kb": 300, "open_to_stored_s": 10, "return_to_stored_s": 5}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        THROTTLE_REPORT_ANON="1000000/minute",
        THROTTLE_REPORT_USER="1000000/minute",
        MEDIA_ROOT=str(ROOT / "var" / "bench" / "media"),
        # No tile server, no outside request: tiles are refused by the site
        # itself (404) and not counted; the budget is the page's own bytes.
        MAP_TILE_URL=f"http://127.0.0.1:{port}/tiles/none/{{z}}/{{x}}/{{y}}.png",
    )
    env.pop("DEBUG", None)
    web = subprocess.Popen(
        [str(VENV / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return web
        except OSError:
            time.sleep(0.3)
    os.killpg(web.pid, signal.SIGTERM)
    raise SystemExit("the web server did not start")


def measure(browser, base: str, throttled: bool) -> dict:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN", base_url=base
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    conditions = {"offline": False, **(SLOW_3G if throttled else {"latency": 0,
                  "downloadThroughput": -1, "uploadThroughput": -1})}  # fmt: skip
    cdp.send("Network.emulateNetworkConditions", conditions)
    if throttled:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    urls: dict[str, str] = {}
    weight = {"bytes": 0}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
    )

    def finished(e):
        url = urls.get(e["requestId"], "")
        if url.startswith(base) and "/tiles/" not in url and "/media/" not in url:
            weight["bytes"] += e["encodedDataLength"]

    cdp.on("Network.loadingFinished", finished)

    # 1. Open the page and report: pin, category, size, send.
    start = time.monotonic()
    page.goto("/hotspots/report/", wait_until="load")
    page_bytes = weight["bytes"]
    page.locator("#report-map").click()
    page.locator("label.chip:has(input[value=plastic])").click()
    page.locator("label.chip:has(input[value=several_bags])").click()
    page.fill("textarea[name=description]", MARK)
    with page.expect_response(lambda r: r.request.method == "POST" and "/api/v1/hotspots/" in r.url,
                              timeout=120_000) as answer:  # fmt: skip
        page.get_by_role("button", name="Gửi báo cáo").click()
    assert answer.value.status in (200, 201), answer.value.status
    open_to_stored = time.monotonic() - start
    page.wait_for_url("**/follow/**", timeout=120_000)  # the report page sends on

    # 2. Offline: the report waits in the outbox; time the network's return.
    page.goto("/hotspots/report/", wait_until="load")
    page.wait_for_function(
        "() => !!navigator.serviceWorker.controller", timeout=120_000
    )
    page.locator("#report-map").click()
    page.locator("label.chip:has(input[value=plastic])").click()
    page.locator("label.chip:has(input[value=several_bags])").click()
    page.fill("textarea[name=description]", MARK)
    context.set_offline(True)  # the page and its service worker
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".outbox-item")).to_have_count(1, timeout=60_000)
    # The page or its service worker (Background Sync) sends it: either way the
    # page says so, with the follow link, once the server has answered.
    link = page.locator("#outbox-status a")
    back = time.monotonic()
    context.set_offline(False)
    # Playwright's switch resets the emulation: slow it down again at once.
    cdp.send("Network.emulateNetworkConditions", conditions)
    link.wait_for(timeout=120_000)
    return_to_stored = time.monotonic() - back
    context.close()
    return {
        "weight_kb": page_bytes / 1000,
        "open_to_stored_s": open_to_stored,
        "return_to_stored_s": return_to_stored,
    }


def delete_reports() -> None:
    """Delete the run's reports (their description marks them), failed runs' too."""
    code = (
        "from hotspots.models import Hotspot;"
        f"Hotspot.objects.filter(description={MARK!r}).delete()"
    )
    subprocess.run(
        [str(VENV / "bin" / "python"), "manage.py", "shell", "-c", code],
        cwd=ROOT, check=False, capture_output=True,
    )  # fmt: skip


def main() -> None:
    port = free_port()
    web = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=ARGS, headless=True
            )
            baseline = measure(browser, base, throttled=False)
            slow = measure(browser, base, throttled=True)
            browser.close()
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=20)
        delete_reports()
    print("Reporting page, phone 390x844, Chromium", flush=True)
    print(f"{'measure':<18}{'baseline':>10}{'slow 3G + 4x CPU':>20}{'target':>10}  ok")
    for key, label, unit in [
        ("weight_kb", "page weight", "KB"),
        ("open_to_stored_s", "open→stored", "s"),
        ("return_to_stored_s", "return→stored", "s"),
    ]:
        ok = "yes" if slow[key] < TARGETS[key] else "NO"
        print(f"{label:<18}{baseline[key]:>8.1f}{unit:<2}{slow[key]:>18.1f}{unit:<2}"
              f"{'< ' + str(TARGETS[key]) + unit:>10}  {ok}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
