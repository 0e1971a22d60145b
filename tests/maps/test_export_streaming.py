"""Exports without a row cap: streamed chunk by chunk, or written by GDAL."""

import csv
import datetime as dt
import io
import json
import logging
import subprocess
import tracemalloc

import pyogrio
import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from hotspots.models import Hotspot, SizeClass
from maps import selectors

from .test_coverage import build_scenario

# One more than the cap the exports had (and Excel keeps).
PAST_THE_OLD_CAP = 100_001


def _get(client, dataset, fmt, **params):
    params.setdefault("campaign", "thu-nghiem")
    return client.get(reverse("exports:export", args=[dataset, fmt]), params)


def _insert_public_hotspots(n: int) -> None:
    """Insert n verified hotspots in one statement (the services take ~ms each)."""
    size = SizeClass.objects.get(key="bag").pk
    with connection.cursor() as cursor:
        # The test database folds rollup facts row by row (tests/conftest.py):
        # for 100,000 rows in one statement, fold them once, as production does.
        cursor.execute("SET maps.rollups_immediate = 'off'")
        cursor.execute(
            """
            INSERT INTO hotspots_hotspot (
                location, category, description, location_source, channel,
                status, priority, recurrence_count, confirmation_count, score,
                follow_token, created_at, updated_at, size_class_id)
            SELECT ST_SetSRID(ST_MakePoint(
                    107.5 + (g %% 1000) * 0.0001, 16.4 + (g / 1000) * 0.0001), 4326),
                'plastic', 'mô tả riêng', 'pin', 'web', 'verified', false, 0, 0,
                g %% 100, gen_random_uuid(), now(), now(), %s
            FROM generate_series(1, %s) AS g
            """,
            [size, n],
        )
        cursor.execute("SET maps.rollups_immediate = 'on'")


@pytest.fixture
def many(demo_areas):
    _insert_public_hotspots(PAST_THE_OLD_CAP)


def test_csv_streams_every_row_past_the_old_cap(many, client):
    response = _get(client, "hotspots", "csv")
    assert response.status_code == 200 and response.streaming
    chunks = iter(response.streaming_content)
    header = next(chunks)  # sent before any row is read
    assert header.startswith(b"\xef\xbb\xbf") and header.count(b"\n") == 1
    body = header + b"".join(chunks)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1 + PAST_THE_OLD_CAP
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(ids, reverse=True)  # newest report first
    assert "mô tả riêng".encode() not in body  # descriptions are not exported


def test_geojson_streams_every_feature_in_flat_memory(
    many, client, monkeypatch, tmp_path
):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK_ROWS", 1000)
    response = _get(client, "hotspots", "geojson")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/geo+json"
    path = tmp_path / "h.geojson"
    tracemalloc.start()
    try:
        with path.open("wb") as out:
            for piece in response.streaming_content:
                out.write(piece)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    # ~35 MB of GeoJSON went through; a chunk (1,000 features) at a time.
    assert size > 20_000_000
    assert peak < size / 10, (peak, size)
    collection = json.loads(path.read_bytes())
    assert collection["name"] == "hotspots"
    assert "crs" not in collection  # RFC 7946: WGS84 lon/lat is implied
    features = collection["features"]
    assert len({f["id"] for f in features}) == PAST_THE_OLD_CAP
    assert all(f["id"] == f["properties"]["id"] for f in features[:10])


def test_events_csv_and_geojson_have_no_cap_but_excel_keeps_it(
    demo_areas, client, monkeypatch
):
    build_scenario()  # 4 events
    monkeypatch.setattr("maps.exports.MAX_ROWS", 3)
    monkeypatch.setattr("maps.exports.CHUNK_ROWS", 3)  # two chunks
    csv_body = b"".join(_get(client, "events", "csv").streaming_content)
    assert len(list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))) == 5
    geojson = json.loads(b"".join(_get(client, "events", "geojson").streaming_content))
    assert len(geojson["features"]) == 4
    assert _get(client, "events", "xlsx").status_code == 400


def test_csv_and_geojson_agree_on_every_hotspot_value(demo_areas, client):
    build_scenario()
    # 17:30 UTC on 1 June is 00:30 on 2 June in Huế: times are local.
    newest = Hotspot.objects.public().order_by("-id").first()
    Hotspot.objects.filter(pk=newest.pk).update(
        created_at=dt.datetime(2024, 6, 1, 17, 30, 59, 123, tzinfo=dt.UTC)
    )
    body = b"".join(_get(client, "hotspots", "csv").streaming_content)
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    features = json.loads(
        b"".join(_get(client, "hotspots", "geojson").streaming_content)
    )["features"]
    assert len(rows) == len(features) == 4
    # The CSV has a label column beside each code (category, size, status,
    # priority): the codes' columns are the GeoJSON's properties.
    labels = {3, 5, 7, 9}
    for row, feature in zip(rows, features, strict=True):
        props = feature["properties"]
        assert list(props) == list(selectors.HOTSPOT_EXPORT_KEYS)
        assert row[-1] == f"POINT ({props['lon']} {props['lat']})"  # WKT
        codes = [cell for index, cell in enumerate(row[:-1], 1) if index not in labels]
        values = dict(props, priority=int(props["priority"]))
        values["created_at"] = values["created_at"][:16].replace("T", " ")
        assert codes == [str(value) for value in values.values()]
        assert feature["geometry"]["coordinates"] == [props["lon"], props["lat"]]
    # Local time with its offset (RFC 3339): GDAL reads it as a DateTime.
    assert features[0]["properties"]["created_at"] == "2024-06-02T00:30:59+07:00"
    assert rows[0][header.index("Báo cáo lúc")] == "2024-06-02 00:30"
    sheet = load_workbook(io.BytesIO(_get(client, "hotspots", "xlsx").getvalue()))
    cells = list(sheet.active.iter_rows(min_row=1, max_row=2, values_only=True))
    assert cells[1][cells[0].index("Báo cáo lúc")] == dt.datetime(2024, 6, 2, 0, 30, 59)


# --- GeoPackage and KML: GDAL reads PostGIS (committed rows) ---------------------


@pytest.fixture
def many_committed(demo_areas_tx):
    _insert_public_hotspots(PAST_THE_OLD_CAP)


def test_geopackage_holds_every_row_past_the_old_cap(many_committed, client, tmp_path):
    response = _get(client, "hotspots", "gpkg")
    assert response.status_code == 200 and response.streaming
    path = tmp_path / "h.gpkg"
    path.write_bytes(b"".join(response.streaming_content))
    info = pyogrio.read_info(path, layer="hotspots")
    assert info["features"] == PAST_THE_OLD_CAP
    assert list(info["fields"]) == list(selectors.HOTSPOT_EXPORT_KEYS)
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point"
    # Typed columns: a timestamp (in UTC, as GeoPackage stores it), integers.
    assert dict(zip(info["fields"], info["dtypes"], strict=True)) == {
        "id": "int64", "category": "object", "size": "object", "status": "object",
        "priority": "bool", "score": "float64", "confirmations": "int32",
        "recurrence": "int32", "created_at": "datetime64[ms]", "district": "object",
        "lon": "float64", "lat": "float64",
    }  # fmt: skip
    frame = pyogrio.read_dataframe(path, max_features=3)
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert (frame.geometry.x == frame["lon"]).all()


def test_gdal_is_given_no_password_on_its_command_line_nor_in_logs(
    db, monkeypatch, caplog, tmp_path
):
    params = {
        **connection.get_connection_params(),
        "password": "hunter2-secret",
        "host": "/nonexistent/socket dir",
    }
    monkeypatch.setattr(connection, "get_connection_params", lambda: params)
    calls = []
    real_run = subprocess.run

    def run(command, **kwargs):
        calls.append((command, kwargs["env"]))
        return real_run(command, **kwargs)

    monkeypatch.setattr(subprocess, "run", run)
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError):
        selectors.public_hotspot_export_file(
            str(tmp_path / "h.gpkg"), driver="GPKG", layer="hotspots"
        )
    command, env = calls[0]
    assert not any("hunter2" in part for part in command)
    assert "host='/nonexistent/socket dir'" in command[4]
    assert env["PGPASSWORD"] == "hunter2-secret"
    assert "hunter2" not in caplog.text and "ogr2ogr failed" in caplog.text


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("plain", "'plain'"), ("it's", r"'it\'s'"), (r"a\b c", r"'a\\b c'")],
)
def test_libpq_values_are_quoted(value, quoted):
    assert selectors._libpq_value(value) == quoted
