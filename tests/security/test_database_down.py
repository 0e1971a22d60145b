"""With the database down every surface answers a clear 503, never a 500 with a traceback.

A real server (gunicorn, the test settings) whose DATABASE_URL points at a port
where nothing listens: the first query of every request fails to connect, in a
view, in the lazy session/user of the middleware, or in a template.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
VI = "Cơ sở dữ liệu tạm thời không truy cập được"
EN = "The database is temporarily unavailable"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port, dead_db_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:{dead_db_port}/chx_down",
        "DATABASE_UNAVAILABLE_RETRY_AFTER_S": "45",
        "LOG_LEVEL": "INFO",
    }
    env.pop("TEST_REPLICA", None)
    env.pop("DATABASE_REPLICA_URL", None)
    proc = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "2", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/static/css/site.css", timeout=5)
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"gunicorn did not start: {proc.communicate()[1]}")
            time.sleep(0.3)
    state = {"base": base, "proc": proc}
    yield state
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def fetch(server, path, *, method="GET", body=None, headers=None):
    request = urllib.request.Request(
        server["base"] + path, data=body, method=method, headers=headers or {}
    )
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as exc:
        response = exc
    return response.status, response.headers, response.read().decode()


def assert_503(status, headers):
    assert status == 503
    assert headers["Retry-After"] == "45"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hotspots/",
        "/api/v1/hotspots/1/",
        "/api/v1/campaigns/",
        "/api/v1/coverage/",
        "/exports/hotspots.geojson",
        "/tiles/hotspots/10/812/478.mvt",
    ],
)
def test_api_tiles_and_exports_answer_the_json_error_shape(server, path):
    status, headers, body = fetch(server, path)
    assert_503(status, headers)
    assert headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "database_unavailable"
    assert VI in error["message"]
    assert error["field"] is None


def test_an_api_write_is_a_503_too(server):
    status, headers, body = fetch(
        server,
        "/api/v1/auth/token/",
        method="POST",
        body=b'{"username": "someone", "password": "a password"}',
        headers={"Content-Type": "application/json"},
    )
    assert_503(status, headers)
    assert json.loads(body)["error"]["code"] == "database_unavailable"


def test_the_api_speaks_english_on_accept_language(server):
    status, headers, body = fetch(
        server, "/api/v1/hotspots/", headers={"Accept-Language": "en"}
    )
    assert_503(status, headers)
    assert EN in json.loads(body)["error"]["message"]


def test_an_api_token_or_session_cookie_is_read_lazily_and_still_a_503(server):
    # The token is looked up, and the session read, by the first query.
    for headers in (
        {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"},
        {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"},
    ):
        status, response_headers, body = fetch(
            server, "/api/v1/hotspots/", headers=headers
        )
        assert_503(status, response_headers)
        assert json.loads(body)["error"]["code"] == "database_unavailable"


def test_open311_keeps_its_georeport_error_array(server):
    status, headers, body = fetch(server, "/open311/v2/requests.json")
    assert_503(status, headers)
    assert json.loads(body) == [
        {"code": 503, "description": json.loads(body)[0]["description"]}
    ]
    assert VI in json.loads(body)[0]["description"]
    status, headers, body = fetch(server, "/open311/v2/requests.xml")
    assert_503(status, headers)
    assert "<errors><error><code>503</code>" in body


def test_ogc_keeps_its_exception_document(server):
    status, headers, body = fetch(server, "/ogc/collections/hotspots/items")
    assert_503(status, headers)
    document = json.loads(body)
    assert document["code"] == "ServiceUnavailable"
    assert VI in document["description"]


@pytest.mark.parametrize("path", ["/", "/hotspots/", "/contest/", "/maps/"])
def test_pages_show_the_vietnamese_503_page(server, path):
    status, headers, body = fetch(server, path)
    assert_503(status, headers)
    assert headers["Content-Type"].startswith("text/html")
    assert "<h1>Tạm thời gián đoạn</h1>" in body
    assert VI in body
    assert 'class="site-header"' in body  # the site's own page, not a bare error


def test_a_logged_in_visitor_gets_the_page_too(server):
    status, headers, body = fetch(
        server,
        "/hotspots/",
        headers={"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"},
    )
    assert_503(status, headers)
    assert VI in body


def test_the_page_is_english_for_a_visitor_who_chose_english(server):
    status, headers, body = fetch(server, "/", headers={"Cookie": "django_language=en"})
    assert_503(status, headers)
    assert EN in body
    assert 'lang="en"' in body


def test_healthz_says_503(server):
    status, headers, body = fetch(server, "/healthz")
    assert_503(status, headers)
    assert json.loads(body)["database"] == "unavailable"


def test_no_traceback_and_no_error_log(server):
    """Run last in this module: everything above was logged as one WARNING each."""
    fetch(server, "/api/v1/hotspots/")
    server["proc"].terminate()
    _, stderr = server["proc"].communicate(timeout=15)
    assert "database unavailable" in stderr
    assert "Traceback" not in stderr
    assert "Internal Server Error" not in stderr
    assert "Service Unavailable:" not in stderr  # django.request's ERROR line


# --- the database goes away mid-session, and comes back ------------------------------


def pg_address() -> tuple[int, str | tuple[str, int]]:
    """Where the configured PostgreSQL listens: its Unix socket (the project's
    own, by default) or its TCP host and port, as (address family, address)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    host = str(db.get("HOST") or options.get("host") or "")
    port = int(db.get("PORT") or options.get("port") or 5432)
    if host.startswith("/"):
        return socket.AF_UNIX, str(Path(host) / f".s.PGSQL.{port}")
    return socket.AF_INET, (host or "127.0.0.1", port)


class PgProxy:
    """A TCP port in front of PostgreSQL that the test can pull the plug on.

    stop() closes the listener and every open connection: to the app, the server
    is gone (its persistent connection dies, new ones are refused); start()
    brings it back on the same port.
    """

    def __init__(self, address: tuple[int, str | tuple[str, int]]):
        self.family, self.address = address
        self.port = free_port()
        self.listener = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        # shutdown() first: a bare close() leaves a thread blocked in accept()
        # holding the listening socket open (Linux).
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.open.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.socket(self.family)
            server.connect(self.address)
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, target) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def test_the_database_going_away_mid_session_is_a_503_and_it_recovers(
    django_db_setup,
):
    from django.conf import settings

    proxy = PgProxy(pg_address())
    proxy.start()
    db = settings.DATABASES["default"]
    name = db["NAME"]
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgis://{user}{password}@127.0.0.1:{proxy.port}/{name}",
        "LOG_LEVEL": "INFO",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    # One worker, one thread: every request reuses the one persistent connection.
    proc = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "1", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = {"base": f"http://127.0.0.1:{port}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = fetch(server, "/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert status == 200
        assert fetch(server, "/api/v1/hotspots/")[0] == 200

        proxy.stop()  # the server goes away under an open connection
        status, headers, body = fetch(server, "/api/v1/hotspots/")
        assert status == 503 and headers["Retry-After"] == "30"
        assert json.loads(body)["error"]["code"] == "database_unavailable"
        status, headers, body = fetch(server, "/hotspots/")
        assert status == 503 and VI in body
        assert fetch(server, "/healthz")[0] == 503

        proxy.start()  # back: the app reconnects by itself
        assert fetch(server, "/api/v1/hotspots/")[0] == 200
        assert fetch(server, "/healthz")[0] == 200
    finally:
        proxy.stop()
        proc.terminate()
        _, stderr = proc.communicate(timeout=15)
    assert "database unavailable" in stderr
    assert "Traceback" not in stderr
