"""Drive the site against a real primary and its streaming replica.

Run by tests/test_replica.py in a subprocess, because the pytest process has one
database (its test database on the shared server) and pytest-django would mirror
a second alias onto it: here DATABASE_URL and DATABASE_REPLICA_URL are real,
separate clusters, and the real settings, middleware and router pick them up.

    python -m tests.replica_probe

Migrates the primary (the schema reaches the replica by streaming), writes a
little data, then prints one JSON object of observations (which alias served
each request, what each client saw, the replication lag); the test asserts on
them.
"""

import json
import statistics
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack, contextmanager

import django

DESCRIPTION = "Túi nylon dạt vào bờ sông Hương"


class Tally:
    """Record every SQL statement per database alias while the block runs."""

    def __init__(self):
        self.sql: dict[str, list[str]] = defaultdict(list)

    @contextmanager
    def recording(self):
        from django.db import connections

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(
                    connections[alias].execute_wrapper(self._wrapper(alias))
                )
            yield self

    def _wrapper(self, alias):
        def record(execute, sql, params, many, context):
            self.sql[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    def counts(self) -> dict[str, int]:
        return {alias: len(sql) for alias, sql in self.sql.items()}


def request(client, method: str, url: str, **kwargs) -> dict:
    """Make one request; return its status, body and the statements per alias."""
    tally = Tally()
    with tally.recording():
        response = getattr(client, method)(url, **kwargs)
    cookie = response.cookies.get("read_primary")
    body = response.content.decode(errors="replace") if not response.streaming else ""
    return {
        "status": response.status_code,
        "queries": tally.counts(),
        "sql": dict(tally.sql),
        "sticky_max_age": cookie["max-age"] if cookie else None,
        "json": response.json() if "json" in response.get("Content-Type", "") else None,
        "body": body,
    }


def ids(result: dict) -> list[int]:
    return [f["properties"]["id"] for f in result["json"]["features"]]


def one_value(alias: str, sql: str, params=()):
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_replayed(timeout_s: float = 10.0) -> float:
    """Wait until the replica has replayed the primary's WAL; return the ms it took."""
    lsn = one_value("default", "SELECT pg_current_wal_lsn()::text")
    start = time.perf_counter()
    while not one_value(
        "replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
    ):
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError("the replica did not catch up")
        time.sleep(0.0005)
    return (time.perf_counter() - start) * 1000


def report_body(**extra) -> dict:
    return {
        "lon": 107.5786,
        "lat": 16.4698,
        "category": "plastic",
        "size_class": "several_bags",
        "description": DESCRIPTION,
        "client_uuid": str(uuid.uuid4()),
        **extra,
    }


def setup_data():
    """Areas, an organiser and one public hotspot, written on the primary."""
    from demo import areas
    from tests import builders

    areas.load()
    organiser = builders.organiser()
    builders.hotspot(location=builders.at(5), status="verified", actor=organiser)
    return organiser


def probe_replica() -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError, connections, transaction
    from rest_framework.test import APIClient

    from hotspots import services
    from hotspots.models import Hotspot, SizeClass
    from tests import builders

    call_command("migrate", verbosity=0)  # the router: only on default
    facts: dict = {"aliases": sorted(settings.DATABASES)}
    facts["routers"] = settings.DATABASE_ROUTERS
    organiser = setup_data()
    facts["setup_lag_ms"] = wait_replayed()
    facts["in_recovery"] = {
        alias: one_value(alias, "SELECT pg_is_in_recovery()")
        for alias in ("default", "replica")
    }
    try:
        with transaction.atomic(using="replica"):
            Hotspot.objects.using("replica").update(description="x")
        facts["replica_accepts_writes"] = True
    except DatabaseError as exc:
        facts["replica_accepts_writes"] = False
        facts["replica_write_error"] = str(exc).strip()
    connections["replica"].close()

    anonymous, reporter, staff = APIClient(), APIClient(), APIClient()
    staff.force_login(organiser)
    results = {}
    results["public_list"] = request(anonymous, "get", "/api/v1/hotspots/")
    results["public_map"] = request(anonymous, "get", "/maps/")
    results["staff_list"] = request(staff, "get", "/api/v1/hotspots/")
    results["token_list"] = request(
        APIClient(), "get", "/api/v1/hotspots/", HTTP_AUTHORIZATION="Token nope"
    )

    # Freeze the replica: from here it lags the primary until resumed.
    one_value("replica", "SELECT pg_wal_replay_pause()::text")
    results["post"] = request(
        reporter, "post", "/api/v1/hotspots/", data=report_body(), format="json"
    )
    new_id = results["post"]["json"]["hotspot"]["properties"]["id"]
    facts["new_on_replica_while_paused"] = (
        Hotspot.objects.using("replica").filter(pk=new_id).exists()
    )
    results["follow"] = request(reporter, "get", results["post"]["json"]["follow_url"])
    results["follow_other_device"] = request(
        APIClient(), "get", results["post"]["json"]["follow_url"]
    )
    results["verify"] = request(
        staff, "post", f"/api/v1/hotspots/{new_id}/verify/", data={}, format="json"
    )
    results["paused_public_list"] = request(anonymous, "get", "/api/v1/hotspots/")
    results["paused_reporter_list"] = request(reporter, "get", "/api/v1/hotspots/")
    results["paused_staff_list"] = request(staff, "get", "/api/v1/hotspots/")

    one_value("replica", "SELECT pg_wal_replay_resume()::text")
    start = time.perf_counter()
    while new_id not in ids(request(anonymous, "get", "/api/v1/hotspots/")):
        if time.perf_counter() - start > 10:
            break
        time.sleep(0.001)
    results["resumed_public_list"] = request(anonymous, "get", "/api/v1/hotspots/")

    # Replication lag of a report: commit on the primary (the service, as the
    # API calls it) until the replica has replayed that commit.
    size = SizeClass.objects.get(key="bag")
    lags = []
    for i in range(40):
        services.hotspot_report(
            location=builders.at(20 + i), category="plastic", size_class=size
        )
        lags.append(wait_replayed())
    facts["report_lag_ms"] = {
        "median": statistics.median(lags),
        "p99": sorted(lags)[int(len(lags) * 0.99) - 1],
        "max": max(lags),
        "n": len(lags),
    }

    facts["new_id"] = new_id
    facts["sticky_seconds"] = settings.REPLICA_STICKY_SECONDS
    replica_sql = [sql for r in results.values() for sql in r["sql"].get("replica", [])]
    facts["replica_statements"] = sorted(
        {sql.split(None, 1)[0].upper() for sql in replica_sql}
    )
    for name, result in results.items():
        facts[name] = {
            "status": result["status"],
            "queries": result["queries"],
            "sticky_max_age": result["sticky_max_age"],
        }
        if result["json"] and "features" in result["json"]:
            facts[name]["ids"] = ids(result)
    facts["follow"]["shows_status"] = (
        'data-testid="follow-status"' in (results["follow"]["body"])
    )
    return facts


def probe_replica_down() -> dict:
    """With the standby stopped: anonymous public reads, as the first probe made."""
    import io
    import logging

    from django.test import Client

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logging.getLogger("config.middleware").addHandler(handler)
    client = Client()
    paths = ["/api/v1/hotspots/", "/tiles/hotspots/0/0/0.mvt"] * 2
    results = []
    for path in paths:
        result = request(client, "get", path)
        results.append({"status": result["status"], "queries": result["queries"]})
    return {"requests": results, "log": log.getvalue()}


def main() -> None:
    import sys

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, the locmem mail outbox
    probe = probe_replica_down if sys.argv[1:] == ["down"] else probe_replica
    print(json.dumps(probe(), default=str))


if __name__ == "__main__":
    main()
