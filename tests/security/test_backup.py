"""manage.py backup / restore: a backup restores into a fresh database with every
table's rows and checksum and every media file's sha256 equal to its manifest.

pg_dump reads the database through its own connection, so the scenario is
committed (transactional_db); pytest-django empties the tables afterwards.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image
from psycopg2 import sql

from events.models import EventPhoto
from hotspots import photos
from hotspots.models import Hotspot, HotspotPhoto
from jobs.services import job_request
from ops import services, snapshot
from ops.postgres import Target
from tests import builders

SUFFIX = os.environ.get("TEST_DB_SUFFIX") or "main"


def jpeg(color: tuple[int, int, int]) -> photos.CleanImage:
    out = BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return photos.sanitize(SimpleUploadedFile("p.jpg", out.getvalue(), "image/jpeg"))


def source() -> Target:
    return Target.from_settings(connection.settings_dict)


@pytest.fixture
def fresh_database():
    """Create an empty database on the test server (no PostGIS: the dump brings
    it) and drop it at the end; yield its Target and URL."""
    name = f"test_restore_{SUFFIX}"
    admin = source().connect(database="postgres")
    admin.autocommit = True

    def drop():
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )

    drop()
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
    src = source()
    target = Target(
        name=name, user=src.user, password=src.password, host=src.host, port=src.port
    )
    url = f"postgis://{src.user}@/{name}?host={src.host}&port={src.port}"
    try:
        yield target, url
    finally:
        drop()
        admin.close()


@pytest.fixture
def media_root(settings, tmp_path):
    """A MEDIA_ROOT of this test only: the backup copies exactly its files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def backup(output: Path) -> tuple[Path, dict]:
    out = StringIO()
    call_command("backup", "--output", str(output), stdout=out)
    path = Path(out.getvalue().strip().splitlines()[-1])
    return path, json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def restore(path: Path, url: str, media: Path, *extra: str) -> str:
    out = StringIO()
    call_command(
        "restore",
        str(path),
        "--database-url",
        url,
        "--media-root",
        str(media),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def recomputed(target: Target) -> dict[str, dict]:
    conn = target.connect()
    try:
        return snapshot.table_checksums(conn)
    finally:
        conn.close()


def scenario() -> None:
    """Rows in every app of ours and media files written by the photo services."""
    contest = builders.contest()
    builders.hotspot(status="verified", images=[jpeg((200, 30, 30))])
    builders.hotspot(location=builders.at(1), description="Túi nilon ở bờ sông")
    logged = builders.event(
        entrant=contest.entrant, before_images=[jpeg((30, 30, 200))]
    )
    builders.decision(event=logged, judge=contest.judge)
    job_request(name="maps.analysis", key="backup-test")


def test_backup_restores_into_a_fresh_database_with_equal_checksums(
    demo_areas_tx, media_root, fresh_database, tmp_path
):
    target, url = fresh_database
    scenario()
    assert HotspotPhoto.objects.exists() and EventPhoto.objects.exists()

    path, manifest = backup(tmp_path / "backups")

    # The manifest is what the source holds (the scenario is committed).
    assert manifest["tables"] == recomputed(source())
    for app in ("accounts", "geo", "hotspots", "events", "maps", "jobs", "django"):
        assert any(
            name.startswith(f"public.{app}_") and table["rows"] > 0
            for name, table in manifest["tables"].items()
        ), app
    assert manifest["database"]["postgis_version"]
    assert manifest["migrations"]["hotspots"].startswith("00")
    files = {p.relative_to(media_root).as_posix() for p in media_root.rglob("*.*")}
    assert len(files) >= 4  # two photos and their thumbnails
    assert set(manifest["media"]) == files
    assert (
        manifest["dump"]["sha256"]
        == snapshot.file_digest(path / "database.dump")["sha256"]
    )

    restored_media = tmp_path / "restored-media"
    report = restore(path, url, restored_media)

    assert "every table and media file equals the manifest" in report
    assert "MISMATCH" not in report
    for name in manifest["tables"]:
        assert name in report
    # Compared here too, not only by the command.
    assert recomputed(target) == manifest["tables"]
    for name, digest in manifest["media"].items():
        assert snapshot.file_digest(restored_media / name) == digest
        assert (restored_media / name).read_bytes() == (media_root / name).read_bytes()

    # The sequences came along: a report after the restore gets a new id.
    last = Hotspot.objects.order_by("-pk").values_list("pk", flat=True).first()
    new_pk = report_on(url, restored_media)
    assert new_pk > last


def report_on(url: str, media: Path) -> int:
    """Report a hotspot through the service in a process that uses `url`."""
    code = (
        "from django.contrib.gis.geos import Point\n"
        "from hotspots.models import SizeClass\n"
        "from hotspots.services import hotspot_report\n"
        "r = hotspot_report(location=Point(107.596, 16.466, srid=4326),"
        " category='plastic', size_class=SizeClass.objects.get(key='bag'))\n"
        "print(r.hotspot.pk)\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media)}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def small_backup(db, media_root, tmp_path):
    """A backup of the (empty-but-migrated) test database with two media files."""
    (media_root / "hotspots").mkdir()
    (media_root / "hotspots" / "a.jpg").write_bytes(b"\xff\xd8 photo a")
    (media_root / "b.pdf").write_bytes(b"%PDF-1.4 certificate")
    return backup(tmp_path / "backups")


def flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("tampered", ["database.dump", "media/hotspots/a.jpg"])
def test_restore_refuses_a_backup_that_differs_from_its_manifest(
    small_backup, fresh_database, tmp_path, tampered
):
    path, _manifest = small_backup
    target, url = fresh_database
    flip_last_byte(path / tampered)

    with pytest.raises(CommandError, match="does not match its manifest") as refused:
        restore(path, url, tmp_path / "restored-media")

    assert tampered in str(refused.value)
    conn = target.connect()
    try:
        assert snapshot.tables(conn) == []  # nothing was restored
    finally:
        conn.close()
    assert not (tmp_path / "restored-media").exists()


def test_restore_refuses_an_extra_media_file(small_backup, fresh_database, tmp_path):
    path, _manifest = small_backup
    (path / "media" / "planted.jpg").write_bytes(b"not in the manifest")

    with pytest.raises(CommandError, match="planted.jpg: not in the manifest"):
        restore(path, fresh_database[1], tmp_path / "restored-media")


def test_restore_refuses_a_database_with_tables_unless_forced(
    small_backup, fresh_database, tmp_path
):
    path, manifest = small_backup
    target, url = fresh_database
    restore(path, url, tmp_path / "m1")

    with pytest.raises(CommandError, match="has .* tables"):
        restore(path, url, tmp_path / "m2")

    conn = target.connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("CREATE TABLE stray (id int)")
        cursor.execute("DELETE FROM django_migrations")
    conn.close()
    report = restore(path, url, tmp_path / "m1", "--force")
    assert "every table and media file equals the manifest" in report
    assert recomputed(target) == manifest["tables"]


def test_restore_reports_a_media_file_that_differs_in_place(
    small_backup, fresh_database, tmp_path
):
    path, _manifest = small_backup
    media = tmp_path / "restored-media"
    (media / "hotspots").mkdir(parents=True)
    (media / "hotspots" / "a.jpg").write_bytes(b"another photo")

    with pytest.raises(CommandError, match="differ from the backup"):
        restore(path, fresh_database[1], media)
    assert (media / "hotspots" / "a.jpg").read_bytes() == b"another photo"


def test_backup_refuses_to_overwrite_a_backup_of_the_same_second(
    small_backup, tmp_path
):
    path, _manifest = small_backup
    now = dt.datetime.now(services.LOCAL_TZ)
    # The names of the next seconds exist already (one of them is "now").
    taken = [
        path.parent / f"{services.PREFIX}{now + dt.timedelta(seconds=s):%Y%m%d-%H%M%S}"
        for s in range(-1, 30)
    ]
    for name in taken:
        name.mkdir(exist_ok=True)

    with pytest.raises(CommandError, match="exists already; refusing to overwrite"):
        call_command("backup", "--output", str(path.parent), stdout=StringIO())

    assert (path / "manifest.json").is_file()
    assert not any(p.name.endswith(".partial") for p in path.parent.iterdir())


def test_backup_that_fails_leaves_nothing_behind(db, media_root, tmp_path, monkeypatch):
    output = tmp_path / "backups"
    output.mkdir()
    # A pg_dump that claims a new enough version and fails.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "pg_dump"
    fake.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && echo "pg_dump (PostgreSQL) 99.0" '
        "&& exit 0\necho 'disk full' >&2\nexit 3\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PG_BINDIR", str(bindir))

    with pytest.raises(CommandError, match="pg_dump failed .*disk full"):
        call_command("backup", "--output", str(output), stdout=StringIO())

    assert list(output.iterdir()) == []


def test_restore_exits_non_zero_when_a_table_differs_from_the_manifest(
    small_backup, fresh_database, tmp_path
):
    path, manifest = small_backup
    manifest["tables"]["public.django_migrations"]["rows"] += 1
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = StringIO()

    with pytest.raises(CommandError, match="differ from the manifest"):
        call_command(
            "restore",
            str(path),
            "--database-url",
            fresh_database[1],
            "--media-root",
            str(tmp_path / "m"),
            stdout=out,
        )

    lines = [line for line in out.getvalue().splitlines() if "MISMATCH" in line]
    assert len(lines) == 1 and "public.django_migrations" in lines[0]
