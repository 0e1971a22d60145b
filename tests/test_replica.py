"""The read replica: routing decisions, and a real streaming replica end to end.

The end-to-end tests start their own pair of clusters (a scratch primary made by
initdb, and a hot standby of it made by scripts/replica.sh with pg_basebackup -R)
in /var/tmp, migrate the primary, and drive the site in a subprocess
(tests/replica_probe.py) whose settings point at both. A replica of the shared
server would copy every database on it (gigabytes) and pytest-django would
mirror a second alias onto the test database; a scratch pair is small (~40 MB)
and proves real replication. Select them with `pytest -m replica`.
"""

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from config import middleware, routers
from hotspots.models import Hotspot
from tests import builders

ROOT = Path(settings.BASE_DIR)
PG_ROOT = Path("/usr/lib/postgresql")


# --- the router and the middleware's decision, without a replica --------------


def test_router_has_no_opinion_outside_a_replica_request():
    router = routers.ReplicaRouter()
    assert router.db_for_read(Hotspot) is None
    assert router.db_for_write(Hotspot) == DEFAULT_DB_ALIAS


def test_router_reads_the_replica_only_inside_a_replica_request(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    router = routers.ReplicaRouter()
    with routers.replica_reads():
        assert router.db_for_read(Hotspot) == routers.REPLICA
        assert routers.read_alias() == routers.REPLICA
        assert router.db_for_write(Hotspot) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Hotspot) is None
    assert routers.read_alias() == DEFAULT_DB_ALIAS


def test_router_without_a_replica_reads_default_even_in_a_replica_request():
    assert not routers.replica_configured()
    with routers.replica_reads():
        assert routers.ReplicaRouter().db_for_read(Hotspot) == DEFAULT_DB_ALIAS
        assert routers.read_connection().alias == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_router_reads_the_primary_inside_a_transaction(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    with routers.replica_reads(), transaction.atomic():
        assert routers.ReplicaRouter().db_for_read(Hotspot) == DEFAULT_DB_ALIAS


def test_router_migrates_only_default_and_allows_relations():
    router = routers.ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "hotspots") is True
    assert router.allow_migrate(routers.REPLICA, "hotspots") is False
    assert router.allow_relation(object(), object()) is True


def _request(method="get", path="/api/v1/hotspots/", user=None, **extra):
    request = getattr(RequestFactory(), method)(path, **extra)
    request.user = user or AnonymousUser()
    return request


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hotspots/",
        "/api/v1/hotspots/12/",
        "/api/v1/coverage/",
        "/maps/",
        "/maps/coverage/",
        "/embed/map/",
        "/exports/hotspots.csv",
        "/tiles/hotspots/14/13000/7500.mvt",
        "/hotspots/",
    ],
)
def test_anonymous_get_of_public_data_reads_the_replica(path):
    assert middleware.reads_replica(_request(path=path)) is True
    assert middleware.reads_replica(_request("head", path=path)) is True


@pytest.mark.parametrize(
    "path",
    [
        "/hotspots/follow/0b6f1c2e-4f7a-4b8e-9d0c-1a2b3c4d5e6f/",
        # A device's "my reports" asks right after reporting: no replication lag.
        "/hotspots/follow/0b6f1c2e-4f7a-4b8e-9d0c-1a2b3c4d5e6f/status/",
        "/hotspots/report/",
        "/hotspots/queue/",
        "/dashboard/",
        "/accounts/me/",
        "/contest/",
        "/open311/v2/requests.json",
        "/admin/",
        "/",
    ],
)
def test_other_paths_read_the_primary(path):
    assert middleware.reads_replica(_request(path=path)) is False


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_writes_read_the_primary(method):
    assert middleware.reads_replica(_request(method)) is False


def test_a_client_that_wrote_recently_reads_the_primary():
    request = _request()
    request.COOKIES[middleware.PRIMARY_COOKIE] = "1"
    assert middleware.reads_replica(request) is False


def test_api_token_clients_read_the_primary():
    assert middleware.reads_replica(_request(HTTP_AUTHORIZATION="Token x")) is False


@pytest.mark.django_db
def test_signed_in_users_read_the_primary():
    user = builders.user(username="dan")
    assert middleware.reads_replica(_request(user=user)) is False


@pytest.fixture
def replica_configured(monkeypatch):
    """Act as if DATABASE_REPLICA_URL were set (no query runs in these tests)."""
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def _through_middleware(request, view):
    return middleware.ReplicaReadsMiddleware(view)(request)


def test_a_public_get_runs_its_view_reading_the_replica(replica_configured):
    seen = []

    def view(request):
        seen.append(routers.read_alias())
        return HttpResponse()

    response = _through_middleware(_request(), view)
    assert seen == [routers.REPLICA]
    assert routers.read_alias() == DEFAULT_DB_ALIAS
    assert middleware.PRIMARY_COOKIE not in response.cookies


def test_a_streamed_public_body_is_read_from_the_replica(replica_configured):
    def view(request):
        return StreamingHttpResponse(routers.read_alias() for _ in range(3))

    response = _through_middleware(_request(path="/exports/hotspots.csv"), view)
    assert routers.read_alias() == DEFAULT_DB_ALIAS
    assert b"".join(response.streaming_content) == b"replica" * 3
    assert routers.read_alias() == DEFAULT_DB_ALIAS


def test_a_write_reads_the_primary_and_keeps_the_client_there(replica_configured):
    seen = []

    def view(request):
        seen.append(routers.read_alias())
        return HttpResponse(status=201)

    response = _through_middleware(_request("post"), view)
    assert seen == [DEFAULT_DB_ALIAS]
    cookie = response.cookies[middleware.PRIMARY_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS == 10
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_replica_that_fails_leaves_the_request_and_the_next_to_the_primary(
    replica_configured, monkeypatch
):
    from django.db import OperationalError
    from django.urls import ResolverMatch

    monkeypatch.setattr(routers, "_down_until", 0.0)  # restored afterwards
    seen = []

    def view(request, pk):
        seen.append((routers.read_alias(), pk))
        return HttpResponse(b"answered")

    request = _request()
    request.resolver_match = ResolverMatch(view, (), {"pk": 7})
    replica_middleware = middleware.ReplicaReadsMiddleware(lambda r: HttpResponse())
    with routers.replica_reads():
        assert routers.read_alias() == routers.REPLICA
        other = replica_middleware.process_exception(request, ValueError("a bug"))
        assert other is None and routers.read_alias() == routers.REPLICA
        response = replica_middleware.process_exception(
            request, OperationalError("connection refused")
        )
        # The view ran again on the primary, and reads stay there for a while.
        assert response.content == b"answered" and seen == [(DEFAULT_DB_ALIAS, 7)]
        assert routers.read_alias() == DEFAULT_DB_ALIAS
        # A failure outside the replica's reads is not the middleware's.
        assert (
            replica_middleware.process_exception(request, OperationalError("x")) is None
        )
    monkeypatch.setattr(routers.time, "monotonic", lambda: routers._down_until + 1)
    with routers.replica_reads():
        assert routers.read_alias() == routers.REPLICA  # retried after the pause


def test_without_a_replica_the_middleware_is_not_used():
    with pytest.raises(MiddlewareNotUsed):
        middleware.ReplicaReadsMiddleware(lambda request: HttpResponse())


def test_without_a_replica_settings_name_one_database_and_no_router():
    assert list(settings.DATABASES) == [DEFAULT_DB_ALIAS], (
        "the suite runs on one database: unset DATABASE_REPLICA_URL "
        "(tests/test_replica.py starts a replica of its own)"
    )
    assert settings.DATABASE_ROUTERS == []


def test_without_a_replica_a_report_sets_no_cookie_and_is_followed(
    demo_areas, api_client
):
    body = {"lon": 107.5786, "lat": 16.4698, "category": "plastic", "size_class": "bag"}
    posted = api_client.post("/api/v1/hotspots/", body, format="json")
    assert posted.status_code == 201
    assert middleware.PRIMARY_COOKIE not in posted.cookies
    assert api_client.get(posted.json()["follow_url"]).status_code == 200
    assert api_client.get("/api/v1/hotspots/").status_code == 200


# --- a real streaming replica --------------------------------------------------


def _bindir() -> Path:
    """The newest server with PostGIS, as scripts/db.sh and replica.sh pick it."""
    servers = sorted(PG_ROOT.glob("*/bin/pg_ctl"), key=lambda p: -int(p.parts[-3]))
    if not servers:
        pytest.skip("no PostgreSQL server binaries are installed")
    for pg_ctl in servers:
        version = pg_ctl.parts[-3]
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return pg_ctl.parent
    pytest.fail("PostgreSQL is installed without PostGIS: run scripts/install.sh")


class Clusters:
    """A scratch primary (initdb) and its hot standby (scripts/replica.sh)."""

    PRIMARY_PORT = 5546
    REPLICA_PORT = 5547
    DBNAME = "chx_replica_probe"

    def __init__(self, bindir: Path, home: Path, runas: str | None):
        self.bin, self.home, self.runas = bindir, home, runas
        self.data = home / "primary"
        self.sock = home / "primary-run"
        self.primary_url = (
            f"postgis://{self.db_user}@/{self.DBNAME}"
            f"?host={self.sock}&port={self.PRIMARY_PORT}"
        )
        self.replica_url = ""  # written by replica.sh start
        self.replica_env = {
            **os.environ,
            "PRIMARY_URL": self.primary_url,
            "REPLICA_HOME": str(home / "replica"),
            "REPLICA_PORT": str(self.REPLICA_PORT),
        }

    @property
    def db_user(self) -> str:
        return self.runas or pwd.getpwuid(os.getuid()).pw_name

    def as_pg(self, *args: str | Path, timeout: float = 120) -> str:
        command = [str(a) for a in args]
        if self.runas:
            command = ["runuser", "-u", self.runas, "--", *command]
        done = subprocess.run(
            command, cwd="/", capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, f"{command} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def replica_sh(self, action: str) -> str:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "replica.sh"), action],
            env=self.replica_env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"replica.sh {action}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def start(self) -> None:
        self.sock.mkdir()
        if self.runas:
            shutil.chown(self.home, self.runas)
            shutil.chown(self.sock, self.runas)
        self.as_pg(
            self.bin / "initdb", "-D", self.data, "-U", self.db_user, "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.as_pg(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.home / "primary.log",
            "-w", "-t", "60", "start", "-o",
            f"-k {self.sock} -p {self.PRIMARY_PORT} -c listen_addresses=''"
            # A throwaway cluster: nothing to keep if the machine crashes.
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        )  # fmt: skip
        self.as_pg(
            self.bin / "createdb", "-h", self.sock, "-p", str(self.PRIMARY_PORT),
            "-U", self.db_user, self.DBNAME,
        )  # fmt: skip
        # The replica is copied from the empty database: the schema the probe
        # migrates reaches it by streaming, as any later write does.
        self.replica_sh("start")
        url_file = self.home / "replica" / "DATABASE_REPLICA_URL"
        self.replica_url = url_file.read_text().strip()

    def stop(self) -> None:
        if (self.home / "replica" / "data").exists():
            self.replica_sh("stop")
        if (self.data / "PG_VERSION").exists():
            self.as_pg(
                self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"
            )

    def probe(self, mode: str = "") -> dict:
        """Run tests/replica_probe.py with both databases; return what it saw."""
        # TEST_DB_SUFFIX stays: the run's own cache prefix and job queue.
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "DATABASE_REPLICA_URL")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=self.primary_url,
            DATABASE_REPLICA_URL=self.replica_url,
            # Test settings keep the replica only when asked (the suite itself
            # runs on one database).
            TEST_REPLICA="1",
            # The probe posts reports from one address; not a throttling test.
            THROTTLE_REPORT_ANON="100000/hour",
        )
        command = [sys.executable, "-m", "tests.replica_probe", *[mode][: bool(mode)]]
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def clusters():
    bindir = _bindir()
    runas = None
    if os.getuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(
                "running as root, and there is no `postgres` user to run the "
                "scratch clusters as (initdb refuses root)"
            )
        runas = "postgres"
    home = Path(tempfile.mkdtemp(prefix="chx-replica-test-", dir="/var/tmp"))
    home.chmod(0o755)
    pair = Clusters(bindir, home, runas)
    try:
        pair.start()
        yield pair
    finally:
        try:
            pair.stop()
        finally:
            shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def observed(clusters) -> dict:
    return clusters.probe()


@pytest.mark.replica
def test_replica_sh_starts_a_streaming_hot_standby(clusters):
    status = clusters.replica_sh("status")
    assert "in recovery: true, receiver: streaming" in status
    assert "primary sees: streaming" in status
    assert f"slot chunhatxanh_replica_{clusters.REPLICA_PORT}: reserved" in status
    assert clusters.replica_url.endswith(
        f"?host={clusters.home}/replica/run&port={clusters.REPLICA_PORT}"
    )


@pytest.mark.replica
def test_settings_add_the_replica_and_the_router(observed):
    assert observed["aliases"] == ["default", "replica"]
    assert observed["routers"] == ["config.routers.ReplicaRouter"]
    assert observed["in_recovery"] == {"default": False, "replica": True}


@pytest.mark.replica
def test_public_reads_are_served_by_the_replica(observed):
    for name in ("public_list", "public_map", "paused_public_list"):
        assert observed[name]["status"] == 200, name
        assert set(observed[name]["queries"]) == {"replica"}, name


@pytest.mark.replica
def test_staff_and_token_clients_read_the_primary(observed):
    assert set(observed["staff_list"]["queries"]) == {"default"}
    assert set(observed["token_list"]["queries"]) == {"default"}


@pytest.mark.replica
def test_a_fresh_report_is_read_back_from_the_primary(observed):
    post, follow = observed["post"], observed["follow"]
    assert post["status"] == 201
    assert post["sticky_max_age"] == observed["sticky_seconds"] == 10
    # The replica does not have the report yet (its replay is paused) ...
    assert observed["new_on_replica_while_paused"] is False
    # ... and the reporter's follow page finds it, on the primary.
    assert follow["status"] == 200 and follow["shows_status"]
    assert set(follow["queries"]) == {"default"}
    # The follow link opened on another device (no cookie) reads the primary too.
    assert observed["follow_other_device"]["status"] == 200
    assert set(observed["follow_other_device"]["queries"]) == {"default"}


@pytest.mark.replica
def test_a_lagging_replica_is_not_seen_by_those_who_wrote(observed):
    new = observed["new_id"]
    assert new not in observed["paused_public_list"]["ids"]  # the replica lags
    assert new in observed["paused_reporter_list"]["ids"]  # the cookie: primary
    assert set(observed["paused_reporter_list"]["queries"]) == {"default"}
    assert new in observed["paused_staff_list"]["ids"]
    assert new in observed["resumed_public_list"]["ids"]  # caught up
    assert set(observed["resumed_public_list"]["queries"]) == {"replica"}


@pytest.mark.replica
def test_writes_never_reach_the_replica(observed):
    for name in ("post", "verify"):
        assert set(observed[name]["queries"]) == {"default"}, name
    # Reads only: SELECT, and SET LOCAL of a planner setting (the list query).
    assert "SELECT" in observed["replica_statements"]
    assert set(observed["replica_statements"]) <= {"SELECT", "SET"}
    assert observed["replica_accepts_writes"] is False
    assert "read-only transaction" in observed["replica_write_error"]


@pytest.mark.replica
def test_replication_lag_of_a_report_is_far_below_the_sticky_window(observed):
    lag = observed["report_lag_ms"]
    print(f"replication lag of a report: {lag}")
    assert lag["n"] == 40
    assert lag["median"] < 1000 * observed["sticky_seconds"] / 10


@pytest.mark.replica
def test_with_the_replica_stopped_public_reads_are_answered_by_the_primary(clusters):
    """Last in this module: it stops the standby (the fixture's teardown copes)."""
    clusters.replica_sh("stop")
    down = clusters.probe("down")
    assert [r["status"] for r in down["requests"]] == [200, 200, 200, 200]
    # The first request tried the replica, then every read went to the primary.
    assert all(set(r["queries"]) == {"default"} for r in down["requests"])
    assert "read replica unavailable" in down["log"]
