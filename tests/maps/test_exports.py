"""Public exports: every dataset in every format parses back, without personal data."""

import csv
import io
import json
import re

import geopandas as gpd
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maps.selectors import area_metrics

from .test_coverage import SECRETS, build_scenario

FORMATS = ["csv", "xlsx", "geojson", "gpkg", "kml"]
DATASETS = ["hotspots", "events", "coverage"]
# Rows each dataset holds in the scenario: 4 public hotspots (the unverified and
# the rejected report are not public), 4 events, 9 districts.
ROWS = {"hotspots": 4, "events": 4, "coverage": 9}


# GDAL reads these from PostGIS on its own connection: it sees committed rows
# only, so they are tested on a committed scenario.
GDAL_READ = {("hotspots", "gpkg"), ("hotspots", "kml")}


@pytest.fixture
def scenario(demo_areas):
    return build_scenario()


@pytest.fixture
def committed_scenario(demo_areas_tx):
    return build_scenario()


def _get(client, dataset, fmt, **params):
    params.setdefault("campaign", "thu-nghiem")
    return client.get(reverse("exports:export", args=[dataset, fmt]), params)


def _read_back(response, fmt, tmp_path) -> tuple[list[str], list[list]]:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        return rows[0], rows[1:], body
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        return [str(c) for c in rows[0]], rows[1:], body
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(body)
    frame = gpd.read_file(path)
    assert frame.crs is None or frame.crs.to_epsg() == 4326
    assert frame.geometry.notna().all()
    return list(frame.columns), frame.values.tolist(), body


def _assert_parses_back_without_personal_data(client, tmp_path, dataset, fmt):
    response = _get(client, dataset, fmt)
    assert response.status_code == 200
    # Unquoted (the names are tokens): GDAL's HTTP driver keeps quotes in the name.
    assert re.fullmatch(
        rf"attachment; filename={dataset}(-thu-nghiem)?(-district)?\.{fmt}",
        response["Content-Disposition"],
    ), response["Content-Disposition"]
    header, rows, body = _read_back(response, fmt, tmp_path)
    assert len(rows) == ROWS[dataset]
    assert header
    for secret in SECRETS:
        assert secret.encode() not in body, secret
    assert b"0912345678" not in body  # the hotspot reporter's phone


@pytest.mark.parametrize(
    ("dataset", "fmt"),
    [(d, f) for d in DATASETS for f in FORMATS if (d, f) not in GDAL_READ],
)
def test_every_export_parses_back_without_personal_data(
    scenario, client, tmp_path, dataset, fmt
):
    _assert_parses_back_without_personal_data(client, tmp_path, dataset, fmt)


@pytest.mark.parametrize(("dataset", "fmt"), sorted(GDAL_READ))
def test_gdal_exports_parse_back_without_personal_data(
    committed_scenario, client, tmp_path, dataset, fmt
):
    _assert_parses_back_without_personal_data(client, tmp_path, dataset, fmt)


def test_gpkg_layer_is_named_after_the_dataset(committed_scenario, client, tmp_path):
    import pyogrio

    for dataset in DATASETS:
        path = tmp_path / f"{dataset}.gpkg"
        path.write_bytes(b"".join(_get(client, dataset, "gpkg").streaming_content))
        assert [name for name, _g in pyogrio.list_layers(path)] == [dataset]


def test_hotspot_export_has_public_fields_with_district(scenario, client, tmp_path):
    response = _get(client, "hotspots", "geojson")
    body = json.loads(b"".join(response.streaming_content))
    props = [f["properties"] for f in body["features"]]
    assert set(props[0]) == {
        "id", "category", "size", "status", "priority", "score", "confirmations",
        "recurrence", "created_at", "district", "lon", "lat",
    }  # fmt: skip
    assert (
        sorted(p["district"] for p in props)
        == ["Huyện Phú Vang"] * 2 + ["Thành phố Huế"] * 2
    )
    assert {p["status"] for p in props} == {"verified", "cleaned"}
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    assert (lon, lat) == (props[0]["lon"], props[0]["lat"])


def test_event_export_names_only_consenting_entrants(scenario, client, tmp_path):
    header, rows, body = _read_back(_get(client, "events", "csv"), "csv", tmp_path)
    names = {row[header.index("Đội thi")] for row in rows}
    assert "Đội Phá Tam Giang" in names  # consented to publish
    assert any(name.startswith("Đội thi #") for name in names)


def test_coverage_geojson_equals_area_metrics(scenario, client):
    response = _get(client, "coverage", "geojson", level="district")
    features = json.loads(b"".join(response.streaming_content))["features"]
    by_id = {f["properties"]["area_id"]: f["properties"] for f in features}
    for row in area_metrics(campaign=scenario, level="district"):
        props = by_id[row.area_id]
        assert props["events"] == row.events
        assert props["verified_kg"] == float(row.verified_kg)
        assert props["participants"] == row.participants
        assert props["hotspots_cleaned"] == row.hotspots_cleaned


def test_kml_is_in_wgs84_lon_lat(committed_scenario, client, tmp_path):
    path = tmp_path / "h.kml"
    path.write_bytes(b"".join(_get(client, "hotspots", "kml").streaming_content))
    frame = gpd.read_file(path)
    assert frame.geometry.x.between(107, 108.5).all()
    assert frame.geometry.y.between(15.5, 17).all()


@pytest.mark.parametrize(
    ("dataset", "params", "field"),
    [
        ("events", {"campaign": "khong-co"}, "campaign"),
        ("coverage", {"campaign": "khong-co"}, "campaign"),
        ("coverage", {"level": "xa"}, "level"),
    ],
)
def test_unknown_campaign_or_level_is_400(scenario, client, dataset, params, field):
    response = _get(client, dataset, "csv", **params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_more_rows_than_the_cap_is_a_clear_400(scenario, client, monkeypatch):
    monkeypatch.setattr("maps.exports.MAX_ROWS", 3)
    for dataset in ("hotspots", "events"):  # 4 rows each
        response = _get(client, dataset, "xlsx")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "too_many_rows" and "(4," in error["message"]
    monkeypatch.setattr("maps.exports.MAX_ROWS", 4)
    assert _get(client, "hotspots", "xlsx").status_code == 200


def test_unknown_dataset_or_format_is_404(db, client):
    assert client.get("/exports/participants.csv").status_code == 404
    assert client.get("/exports/hotspots.shp").status_code == 404
