"""The S/M/L data sets: one database each on the project's PostgreSQL.

A data set is built once — CREATE DATABASE, postgis, migrate, load_demo,
generate_data, VACUUM ANALYZE, then the rebuild commands that exist on this code
(rollups, standings...) — and marked: a row in its `bench_dataset` table holds
what built it (generate_data's arguments, a hash of the migration file names, a
hash of demo/ and its fixtures, the rebuild commands run). A later run whose
marker matches reuses it; any difference (or BENCH_FRESH=1) rebuilds it.

Each run works on a throwaway copy (CREATE DATABASE ... TEMPLATE): the ingest
load writes reports, jobs store results, the bench adds a user and a session —
none of it may leak into the next run's rows.
"""

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from .config import ROOT, VENV, Size

SEED = 1
# Commands that rebuild derived data after a bulk load, run when this code has
# them (other branches add them): (command, arguments).
REBUILD_COMMANDS = [("rollups", ["--rebuild"]), ("standings", ["--rebuild"])]
MARKER_TABLE = "bench_dataset"
COPY_RETRIES = 20  # "source database is being accessed by other users"


def base_url() -> str:
    """Return the project's database URL (DATABASE_URL, else var/pg/DATABASE_URL)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url_file = ROOT / "var" / "pg" / "DATABASE_URL"
        if not url_file.exists():
            raise SystemExit("No database: run `make db` (or set DATABASE_URL).")
        url = url_file.read_text().strip()
    return url


def url_for(name: str, url: str | None = None) -> str:
    """Return the project's database URL pointing at database `name`."""
    parts = urlsplit(url or base_url())
    return urlunsplit(parts._replace(path="/" + name))


def libpq(url: str) -> str:
    """Return a URL libpq accepts (postgis:// is Django's spelling)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def connect(name: str):
    connection = psycopg2.connect(libpq(url_for(name)))
    connection.autocommit = True
    return connection


def prefix() -> str:
    return os.environ.get("BENCH_DB_PREFIX", "chx_bench")


def dataset_name(size: Size) -> str:
    return f"{prefix()}_{size.name.lower()}"


def run_name(size: Size) -> str:
    return f"{prefix()}_{size.name.lower()}_run"


# --- the marker ------------------------------------------------------------------


def _hash(items) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(item if isinstance(item, bytes) else str(item).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def migrations_hash() -> str:
    """Return a hash of every migration file's path (the schema's history)."""
    names = sorted(
        str(p.relative_to(ROOT))
        for p in ROOT.glob("*/migrations/[0-9]*.py")
        if ".venv" not in p.parts
    )
    return _hash(names)


def demo_hash() -> str:
    """Return a hash of demo/ (load_demo, generate_data) and its fixtures."""
    files = []
    for directory in (ROOT / "demo", ROOT / "fixtures" / "demo"):
        files += [
            p
            for p in directory.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
    items = []
    for path in sorted(files):
        items += [str(path.relative_to(ROOT)), path.read_bytes()]
    return _hash(items)


def manage(args: list[str], database_url: str, *, check: bool = True):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        # Anything a command queues or caches stays apart from the dev server's.
        CELERY_QUEUE="chx-bench-build",
        CACHE_KEY_PREFIX="chx-bench-build",
    )
    result = subprocess.run(
        [str(VENV / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            + (result.stderr or result.stdout)[-3000:]
        )
    return result


def rebuild_commands(database_url: str) -> list[tuple[str, list[str]]]:
    """Return the rebuild commands this code has (`manage.py help <cmd>` answers
    and names the arguments)."""
    found = []
    for command, args in REBUILD_COMMANDS:
        result = manage(["help", command], database_url, check=False)
        if result.returncode == 0 and all(a in result.stdout for a in args):
            found.append((command, args))
    return found


def spec(size: Size, rebuilds: list[tuple[str, list[str]]]) -> dict:
    """Return what the data set of `size` is built from (the marker compared)."""
    return {
        "generate_data": [
            "--hotspots",
            size.hotspots,
            "--events",
            size.events,
            "--seed",
            SEED,
        ],
        "migrations": migrations_hash(),
        "demo": demo_hash(),
        "rebuild": [" ".join([c, *a]) for c, a in rebuilds],
    }


def stored_marker(name: str) -> dict | None:
    """Return the marker of database `name` (None: no such database or marker)."""
    try:
        connection = connect(name)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(
                sql.SQL("SELECT spec, source, built_at, seconds FROM {}").format(
                    sql.Identifier(MARKER_TABLE)
                )
            )
            row = cursor.fetchone()
    finally:
        connection.close()
    if row is None:
        return None
    return {
        "spec": row[0],
        "source": row[1],
        "built_at": row[2].isoformat(),
        "seconds": row[3],
    }


def _write_marker(name: str, marker_spec: dict, source: str, seconds: float) -> None:
    connection = connect(name)
    try:
        with connection.cursor() as cursor:
            table = sql.Identifier(MARKER_TABLE)
            cursor.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (spec jsonb NOT NULL, "
                    "source text NOT NULL, built_at timestamptz NOT NULL "
                    "DEFAULT now(), seconds float8 NOT NULL)"
                ).format(table)
            )
            cursor.execute(sql.SQL("DELETE FROM {}").format(table))
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (spec, source, seconds) VALUES (%s, %s, %s)"
                ).format(table),
                [json.dumps(marker_spec), source, seconds],
            )
    finally:
        connection.close()


# --- databases ---------------------------------------------------------------------


def drop(name: str) -> None:
    connection = connect("postgres")
    try:
        with connection.cursor() as cursor:
            # Our own bench database: end any connection left to it.
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
    finally:
        connection.close()


def create(name: str, template: str | None = None) -> None:
    """Create database `name` (a copy of `template`, which nobody may be using:
    retried while PostgreSQL says it is being accessed)."""
    drop(name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        # FILE_COPY: the files copied as they are (a checkpoint), not every page
        # written through the WAL (PostgreSQL 15's default, slow for 700 MB).
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    connection = connect("postgres")
    try:
        for attempt in range(COPY_RETRIES):
            try:
                with connection.cursor() as cursor:
                    cursor.execute(statement)
                break
            except psycopg2.errors.ObjectInUse:
                if attempt == COPY_RETRIES - 1:
                    raise
                time.sleep(3)
    finally:
        connection.close()


def _sql(name: str, statements: list[str]) -> None:
    connection = connect(name)
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def _counts(name: str) -> tuple[int, int]:
    """Return (synthetic hotspots, synthetic events) of a data set."""
    connection = connect(name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM hotspots_hotspot WHERE channel = 'synthetic'"
            )
            hotspots = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM events_cleanupevent e "
                "JOIN events_entrant n ON n.id = e.entrant_id "
                "JOIN events_campaign c ON c.id = n.campaign_id "
                "WHERE c.slug = 'synthetic'"
            )
            events = cursor.fetchone()[0]
    finally:
        connection.close()
    return hotspots, events


@dataclass(frozen=True)
class Dataset:
    size: Size
    name: str
    marker: dict
    built: bool  # built in this run (False: reused)


def ensure(
    size: Size, *, fresh: bool = False, template: str | None = None, log=print
) -> Dataset:
    """Return the data set of `size`, building it unless an identical one exists.

    `template`: start from a copy of that database (one built by generate_data
    with the same arguments, e.g. an existing 1M-row database) instead of
    generating; it is migrated and its synthetic row counts checked.
    """
    name = dataset_name(size)
    url = url_for(name)
    rebuilds = rebuild_commands(url_for("postgres"))
    wanted = spec(size, rebuilds)
    stored = stored_marker(name)
    if stored is not None and stored["spec"] == wanted and not fresh:
        log(f"{size.name}: reusing {name} (built {stored['built_at'][:19]})")
        return Dataset(size, name, stored, built=False)
    reason = "BENCH_FRESH" if fresh else ("changed code" if stored else "missing")
    log(f"{size.name}: building {name} ({reason})")
    started = time.perf_counter()
    if template:
        create(name, template)
        source = f"template {template}"
    else:
        create(name)
        _sql(name, ["CREATE EXTENSION IF NOT EXISTS postgis"])
        source = "generate_data"
    manage(["migrate", "--noinput", "-v", "0"], url)
    if not template:
        manage(["load_demo"], url)
        result = manage(
            ["generate_data", *[str(a) for a in wanted["generate_data"]]], url
        )
        log(f"{size.name}: {result.stdout.strip().splitlines()[-1]}")
    hotspots, events = _counts(name)
    if (hotspots, events) != (size.hotspots, size.events):
        raise SystemExit(
            f"{name}: {hotspots} synthetic hotspots and {events} events, expected "
            f"{size.hotspots} and {size.events}"
            + (f" (is {template} a data set of this size?)" if template else "")
        )
    _sql(name, ["VACUUM ANALYZE"])
    for command, args in rebuilds:
        log(f"{size.name}: manage.py {command} {' '.join(args)}")
        manage([command, *args], url)
    _sql(name, ["ANALYZE"])
    seconds = time.perf_counter() - started
    _write_marker(name, wanted, source, seconds)
    log(f"{size.name}: {name} ready in {seconds:.0f} s")
    return Dataset(size, name, stored_marker(name) or {}, built=True)


def server_version(name: str = "postgres") -> str:
    """Return PostgreSQL's version, and PostGIS's in database `name`."""
    connection = connect(name)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
            )
            row = cursor.fetchone()
    finally:
        connection.close()
    return f"PostgreSQL {version}" + (f", PostGIS {row[0]}" if row else "")
