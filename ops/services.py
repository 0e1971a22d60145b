"""Back up the database and the media files with a manifest; restore and prove it.

A backup is one directory, named by its local time (Asia/Ho_Chi_Minh):

    chx-backup-20250301-021500/
      manifest.json    what the rest must be: checksums of everything below
      database.dump    pg_dump --format=custom
      media/           a copy of MEDIA_ROOT

It is written under a hidden temporary name and renamed at the very end, so a
directory with the final name is always complete. The dump and the table
checksums read one snapshot (pg_dump --snapshot), so they agree even while the
site keeps writing.
"""

import datetime as dt
import json
import shutil
import subprocess
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from psycopg2 import sql
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ

from . import snapshot
from .postgres import Target, ToolError, server_major, tool

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
PREFIX = "chx-backup-"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class BackupError(RuntimeError):
    """The backup or restore could not be done, or did not prove equal."""


@dataclass
class Check:
    """One compared item: a table or a media file."""

    kind: str  # "table" or "media"
    name: str
    expected: dict
    found: dict | None

    @property
    def ok(self) -> bool:
        return self.found == self.expected


@dataclass
class Restored:
    checks: list[Check] = field(default_factory=list)
    unexpected_tables: list[str] = field(default_factory=list)
    media_skipped: int = 0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not self.unexpected_tables


def backup_create(
    *, target: Target, media_root: Path, output: Path, base_dir: Path
) -> Path:
    """Write a complete backup directory under `output` and return its path."""
    created = dt.datetime.now(LOCAL_TZ).replace(microsecond=0)
    final = output / f"{PREFIX}{created:%Y%m%d-%H%M%S}"
    if final.exists():
        raise BackupError(f"{final} exists already; refusing to overwrite it")
    output.mkdir(parents=True, exist_ok=True)
    # mkdtemp makes it mode 0700: the backup holds personal data (contacts,
    # accounts), readable by the operator only.
    work = Path(
        tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=output)
    )
    try:
        manifest = _write(
            target=target, media_root=media_root, work=work, base_dir=base_dir
        )
        manifest["created_at"] = created.isoformat()
        _dump_json(manifest, work / MANIFEST)
        if final.exists():
            raise BackupError(f"{final} appeared meanwhile; refusing to overwrite it")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _write(*, target: Target, media_root: Path, work: Path, base_dir: Path) -> dict:
    conn = target.connect()
    try:
        # One snapshot for pg_dump and the checksums: exported by this
        # transaction, which stays open until both are done.
        conn.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
        pg_dump = tool("pg_dump", major=server_major(conn))
        started = time.monotonic()
        with tempfile.TemporaryFile(mode="w+") as stderr:
            process = subprocess.Popen(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={work / DUMP}",
                ],
                env=target.environ(),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                # The checksums are read while pg_dump runs (two cores, one each).
                tables = snapshot.table_checksums(conn)
                checksummed = time.monotonic()
                info = snapshot.server(conn)
                applied = snapshot.migrations(conn)
            finally:
                returncode = process.wait()
            dumped = time.monotonic()
            if returncode != 0:
                stderr.seek(0)
                raise ToolError(
                    f"pg_dump failed ({returncode}): {stderr.read().strip()}"
                )
    finally:
        conn.close()
    media = {}
    for name, path in snapshot.media_files(media_root):
        media[name] = snapshot.copy_file(path, work / MEDIA / name)
    (work / MEDIA).mkdir(exist_ok=True)
    copied = time.monotonic()
    return {
        "format": FORMAT,
        "app_version": app_version(base_dir),
        "database": info,
        "migrations": applied,
        "dump": {"file": DUMP, **snapshot.file_digest(work / DUMP)},
        "tables": tables,
        "media": media,
        "seconds": {
            "checksums": round(checksummed - started, 3),
            "dump": round(dumped - started, 3),
            "media": round(copied - dumped, 3),
        },
    }


def app_version(base_dir: Path) -> str:
    """Return `git describe` of the checkout, else the version in pyproject.toml."""
    try:
        out = subprocess.run(
            ["git", "-C", str(base_dir), "describe", "--always", "--dirty", "--tags"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        if out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    with (base_dir / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def backup_verify(backup: Path) -> dict:
    """Return the manifest once the dump and every media file match it."""
    path = backup / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} not found: not a complete backup")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    problems = []
    dump = backup / manifest["dump"]["file"]
    expected = {k: manifest["dump"][k] for k in ("size", "sha256")}
    if not dump.is_file():
        problems.append(f"{DUMP}: missing")
    elif snapshot.file_digest(dump) != expected:
        problems.append(f"{DUMP}: size or sha256 differs from the manifest")
    found = dict(snapshot.media_files(backup / MEDIA))
    for name, digest in manifest["media"].items():
        if name not in found:
            problems.append(f"media/{name}: missing")
        elif snapshot.file_digest(found[name]) != digest:
            problems.append(f"media/{name}: size or sha256 differs from the manifest")
    problems += [
        f"media/{n}: not in the manifest"
        for n in found.keys() - manifest["media"].keys()
    ]
    if problems:
        raise BackupError(
            "the backup does not match its manifest; nothing was restored:\n  "
            + "\n  ".join(problems)
        )
    return manifest


def backup_restore(
    *, backup: Path, target: Target, media_root: Path, force: bool = False
) -> Restored:
    """Restore a verified backup into target and media_root, then compare all.

    Refuses (before changing anything) when the backup does not match its
    manifest, when the database has tables of its own or a media file of the
    same name with other content, unless force: then the database's schemas
    are dropped first (PostGIS with them: the dump creates the extension again)
    and differing media files are overwritten.
    """
    manifest = backup_verify(backup)
    conflicts = [
        name
        for name, digest in manifest["media"].items()
        if (media_root / name).exists()
        and snapshot.file_digest(media_root / name) != digest
    ]
    conn = target.connect()
    conn.autocommit = True
    try:
        existing = snapshot.tables(conn, extensions=False)
        if existing and not force:
            raise BackupError(
                f"database {target.name!r} has {len(existing)} tables "
                f"(e.g. {existing[0]}); restore into an empty database or use --force"
            )
        if conflicts and not force:
            raise BackupError(
                f"{len(conflicts)} media files in {media_root} differ from the "
                f"backup (e.g. {conflicts[0]}); use --force to overwrite them"
            )
        if existing:
            _drop_schemas(conn, manifest)
        _pg_restore(backup / manifest["dump"]["file"], target, server_major(conn))
    finally:
        conn.close()
    result = Restored()
    for name in manifest["media"]:
        dest = media_root / name
        if dest.exists() and name not in conflicts:
            result.media_skipped += 1
            continue
        snapshot.copy_file(backup / MEDIA / name, dest)
    conn = target.connect()
    try:
        conn.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        tables = snapshot.table_checksums(conn)
    finally:
        conn.close()
    for name, expected in manifest["tables"].items():
        result.checks.append(Check("table", name, expected, tables.get(name)))
    result.unexpected_tables = sorted(tables.keys() - manifest["tables"].keys())
    for name, expected in manifest["media"].items():
        path = media_root / name
        found = snapshot.file_digest(path) if path.is_file() else None
        result.checks.append(Check("media", name, expected, found))
    return result


def _drop_schemas(conn, manifest: dict) -> None:
    """Drop public and the backup's other schemas, then create public again."""
    schemas = {"public"} | {name.split(".", 1)[0] for name in manifest["tables"]}
    with conn.cursor() as cursor:
        for schema in sorted(schemas):
            cursor.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(schema)
                )
            )
        cursor.execute("CREATE SCHEMA public")


def _pg_restore(dump: Path, target: Target, major: int) -> None:
    # One transaction: a failed restore leaves the database as it was. No owners
    # or grants from the source: the objects belong to the restoring user.
    out = subprocess.run(
        [
            tool("pg_restore", major=major),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={target.name}",
            str(dump),
        ],
        env=target.environ(),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise ToolError(f"pg_restore failed ({out.returncode}): {out.stderr.strip()}")


def _dump_json(data: dict, path: Path) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
