"""What a backup promises: every table's row count and checksum, every media file's
size and sha256, read the same way from the source and from the restored copy.

Raw SQL over psycopg2 rather than the ORM: it must read every table of the
database (PostGIS's, Django's, the rollups), including ones no model describes,
and the restored database is not one of Django's connections.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from psycopg2 import sql
from psycopg2.extensions import connection as Connection

# A row's text form depends on these session settings (timestamptz is printed in
# the session's time zone, floats by extra_float_digits...): fix them, so the
# same rows give the same checksum from any client or server configuration.
SESSION = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")

TABLES = """
SELECT n.nspname, c.relname,
       EXISTS (SELECT 1 FROM pg_depend d
               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.deptype = 'e') AS in_extension
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> ALL (%s)
  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
ORDER BY 1, 2
"""

# One md5 per row, sorted bytewise (COLLATE "C": the same order under any
# database collation), then the md5 of their concatenation. Hashing each row first
# keeps the aggregate at 32 bytes a row: string_agg of the rows themselves would
# pass PostgreSQL's 1 GB value limit on a large table.
CHECKSUM = """
SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''))
FROM (SELECT md5(t::text) AS h FROM {table} t) rows
"""

CHUNK = 1 << 20


def prepare(conn: Connection) -> None:
    with conn.cursor() as cursor:
        for statement in SESSION:
            cursor.execute(statement)


def tables(conn: Connection, *, extensions: bool = True) -> list[str]:
    """Return "schema.table" of every user table (with extension tables or not)."""
    with conn.cursor() as cursor:
        cursor.execute(TABLES, [list(SYSTEM_SCHEMAS)])
        return [
            f"{schema}.{name}"
            for schema, name, in_extension in cursor.fetchall()
            if extensions or not in_extension
        ]


def table_checksums(conn: Connection) -> dict[str, dict]:
    """Return {"schema.table": {"rows": n, "md5": hex}} for every table."""
    prepare(conn)
    result = {}
    with conn.cursor() as cursor:
        for qualified in tables(conn):
            schema, name = qualified.split(".", 1)
            cursor.execute(sql.SQL(CHECKSUM).format(table=sql.Identifier(schema, name)))
            rows, digest = cursor.fetchone()
            result[qualified] = {"rows": rows, "md5": digest}
    return result


def migrations(conn: Connection) -> dict[str, str]:
    """Return the last applied Django migration of each app ({} if none)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute(
            "SELECT DISTINCT ON (app) app, name FROM django_migrations "
            "ORDER BY app, applied DESC, id DESC"
        )
        return dict(cursor.fetchall())


def server(conn: Connection) -> dict[str, str]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), current_setting('server_version'), "
            "(SELECT extversion FROM pg_extension WHERE extname = 'postgis')"
        )
        name, version, postgis = cursor.fetchone()
        full = None
        if postgis:
            cursor.execute("SELECT postgis_full_version()")
            full = cursor.fetchone()[0]
    return {
        "name": name,
        "server_version": version,
        "postgis_version": postgis,
        "postgis_full_version": full,
    }


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield (relative POSIX path, path) of every regular file under root, sorted."""
    if not root.is_dir():
        return
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    yield from sorted(found)


def file_digest(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def copy_file(source: Path, dest: Path) -> dict:
    """Copy source to dest (through a temporary name) and return its digest."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, partial.open("wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(partial, source.stat().st_mode & 0o777)
    os.replace(partial, dest)
    return {"size": size, "sha256": digest.hexdigest()}
