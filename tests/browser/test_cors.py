"""A page on another origin reads the public data; credentials and writes are refused.

The page is served by a second small HTTP server (127.0.0.1, its own port); the
API is the live server (localhost, another port): another origin, another site.
"""

import http.server
import threading

import pytest

from tests.maps.test_coverage import HUE, build_scenario
from tests.tiles import tile_of, tile_url

PAGE = b"<!doctype html><title>dashboard</title><p>another origin</p>"


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_origin():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


READ = """async ([api, tile]) => {
  const out = {};
  const list = await fetch(api + "/api/v1/hotspots/");
  const body = await list.json();
  out.listStatus = list.status;
  out.features = body.features.length;
  out.link = list.headers.get("Link");
  const mvt = await fetch(api + tile);
  out.tileStatus = mvt.status;
  out.tileBytes = (await mvt.arrayBuffer()).byteLength;
  const head = await fetch(api + "/exports/hotspots.gpkg", {method: "HEAD"});
  out.gpkgLength = Number(head.headers.get("Content-Length"));
  const range = await fetch(api + "/exports/hotspots.gpkg",
                            {headers: {Range: "bytes=0-15"}});
  out.rangeStatus = range.status;
  out.magic = new TextDecoder().decode(await range.arrayBuffer());
  return out;
}"""

REFUSED = """async ([api, request]) => {
  try {
    const response = await fetch(api + request.path, request.init);
    await response.text();
    return "read " + response.status;
  } catch (error) {
    return "refused: " + error.name;
  }
}"""


def test_a_page_on_another_origin_reads_the_public_list_and_a_tile(
    browser, live_server, demo_areas_tx, other_origin
):
    build_scenario()
    context = browser.new_context()
    page = context.new_page()
    page.goto(other_origin + "/")
    tile = tile_url("hotspots", *tile_of(*HUE, 12))
    result = page.evaluate(READ, [live_server.url, tile])
    context.close()
    assert result["listStatus"] == 200 and result["features"] == 4
    assert result["tileStatus"] == 200 and result["tileBytes"] > 0
    assert result["gpkgLength"] > 0
    assert result["rangeStatus"] == 206 and result["magic"] == "SQLite format 3\x00"


@pytest.mark.parametrize(
    "request_",
    [
        # credentials with "*": the browser refuses to hand over the answer
        {"path": "/api/v1/hotspots/", "init": {"credentials": "include"}},
        # a JSON POST needs a preflight, which allows GET/HEAD/OPTIONS only
        {
            "path": "/api/v1/hotspots/",
            "init": {
                "method": "POST",
                "headers": {"Content-Type": "application/json"},
                "body": "{}",
            },
        },
        # a simple form POST is sent, but its answer is not readable
        {"path": "/api/v1/hotspots/", "init": {"method": "POST", "body": "a=1"}},
        # a token in Authorization needs a preflight that does not allow it
        {
            "path": "/api/v1/hotspots/",
            "init": {"headers": {"Authorization": "Token abc"}},
        },
        # staff endpoints have no CORS at all
        {"path": "/api/v1/entrants/", "init": {}},
        {"path": "/hotspots/queue/", "init": {}},
    ],
    ids=["credentials", "json-post", "form-post", "authorization", "staff", "page"],
)
def test_the_browser_refuses_credentials_writes_and_staff_endpoints(
    browser, live_server, db, other_origin, request_
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(other_origin + "/")
    result = page.evaluate(REFUSED, [live_server.url, request_])
    context.close()
    assert result == "refused: TypeError", result
