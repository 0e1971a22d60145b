"""Exports by URL, as GDAL and spreadsheets open them: HEAD, ranges, typed columns.

ogrinfo (Debian's gdal-bin) opens every export by URL against a live server:
no query string (the current campaign), GeoJSON/CSV/KML as plain URLs,
GeoPackage and Excel through /vsicurl/ (SQLite and zip need byte ranges).
"""

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from geojson_validator import validate_geometries, validate_structure

from hotspots.models import Hotspot
from maps import exports

from .test_coverage import build_scenario

FORMATS = ["csv", "xlsx", "geojson", "gpkg", "kml"]
DATASETS = ["hotspots", "events", "coverage"]
ROWS = {"hotspots": 4, "events": 4, "coverage": 9}
RANGED = {"xlsx", "gpkg"}  # opened through /vsicurl/
# GDAL on its own: no proxy, no config file of the machine's, quick failures.
GDAL_ENV = {
    **os.environ,
    "GDAL_HTTP_TIMEOUT": "60",
    "GDAL_HTTP_MAX_RETRY": "0",
    "no_proxy": "*",
    "NO_PROXY": "*",
}


@pytest.fixture
def served(demo_areas_tx, live_server):
    build_scenario()
    return live_server.url


def _url(base: str, dataset: str, fmt: str) -> str:
    return base + reverse("exports:export", args=[dataset, fmt])


def _request(url: str, method: str = "GET", **headers):
    request = urllib.request.Request(url, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def _ogrinfo(target: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", target],
        capture_output=True,
        text=True,
        timeout=120,
        env=GDAL_ENV,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _count(info: str) -> int:
    return int(re.search(r"^Feature Count: (\d+)", info, re.M).group(1))


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_export_opens_by_url_with_head_get_and_ogrinfo(served, dataset):
    for fmt in FORMATS:
        url = _url(served, dataset, fmt)
        status, headers, body = _request(url, "HEAD")
        assert status == 200 and body == b"", fmt
        assert headers["Content-Type"].startswith(exports.CONTENT_TYPES[fmt][:20])
        if fmt in exports.FILE_FORMATS:
            assert headers["Accept-Ranges"] == "bytes"
            length = int(headers["Content-Length"])
            status, headers, body = _request(url)
            assert status == 200 and len(body) == length > 0
        else:
            status, headers, body = _request(url)
            assert status == 200 and body
        target = f"/vsicurl/{url}" if fmt in RANGED else url
        info = _ogrinfo(target)
        assert _count(info) == ROWS[dataset], (fmt, info)
        kind = "Polygon" if dataset == "coverage" else "Point"
        if fmt in ("geojson", "gpkg"):
            assert re.search(rf"^Geometry: {kind}$", info, re.M), (fmt, info)
        if fmt == "kml" or (fmt == "csv" and dataset != "coverage"):
            # KML, and a CSV's WKT column: GDAL says "Unknown (any)", with an extent
            assert re.search(r"^Extent: \(10[678]\.\d+, 1[56]\.\d+\)", info, re.M)


def test_csv_opens_as_typed_points_without_open_options(served):
    url = _url(served, "hotspots", "csv")
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", url],
        capture_output=True,
        text=True,
        timeout=120,
        env=GDAL_ENV,
        check=False,
    )
    points = re.findall(r"^  POINT \(10[78]\.\d+ 1[56]\.\d+\)$", result.stdout, re.M)
    assert len(points) == 4, result.stdout
    # By /vsicurl/, GDAL also reads hotspots.csvt beside the CSV: the types.
    info = _ogrinfo(f"/vsicurl/{url}")
    for field, kind in [
        ("Mã", "Integer"),
        ("Điểm ưu tiên", "Real"),
        ("Số xác nhận", "Integer"),
        ("Báo cáo lúc", "DateTime"),
        ("Ưu tiên", "Integer(Boolean)"),
        ("lon", "Real"),
    ]:
        assert re.search(rf"^{re.escape(field)}: {re.escape(kind)}", info, re.M), field
    assert re.search(r"^Extent: \(10[78]\.\d+, 1[56]\.\d+\)", info, re.M)


def test_semicolon_csv_opens_in_gdal_with_decimal_commas(served, tmp_path):
    path = tmp_path / "hotspots.csv"
    path.write_bytes(_request(_url(served, "hotspots", "csv") + "?sep=semicolon")[2])
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=GDAL_ENV,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  POINT \(10[78]\.\d+ 1[56]\.\d+\)$", result.stdout, re.M)
    assert re.search(r"^  lon \(String\) = 10[78],\d+$", result.stdout, re.M)


@pytest.mark.parametrize("fmt", sorted(exports.FILE_FORMATS))
def test_file_exports_answer_byte_ranges(served, fmt):
    url = _url(served, "hotspots", fmt)
    _status, _headers, whole = _request(url)
    size = len(whole)
    status, headers, body = _request(url, Range="bytes=10-109")
    assert status == 206 and body == whole[10:110]
    assert headers["Content-Range"] == f"bytes 10-109/{size}"
    assert headers["Content-Length"] == "100"
    status, headers, body = _request(url, Range="bytes=-16")
    assert status == 206 and body == whole[-16:]
    status, headers, body = _request(url, Range=f"bytes={size - 5}-")
    assert status == 206 and body == whole[-5:]
    status, headers, _body = _request(url, "HEAD", Range="bytes=0-9")
    assert status == 206 and headers["Content-Length"] == "10"
    with pytest.raises(urllib.error.HTTPError) as error:
        _request(url, Range=f"bytes={size}-")
    assert error.value.code == 416
    assert error.value.headers["Content-Range"] == f"bytes */{size}"


# --- the cache ----------------------------------------------------------------------


def _get(client, dataset, fmt, **params):
    return client.get(reverse("exports:export", args=[dataset, fmt]), params)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_a_file_is_written_once_per_data_version(demo_areas, client, monkeypatch):
    build_scenario()
    writes = []
    real = exports.write_gis
    monkeypatch.setattr(
        exports, "write_gis", lambda *args: (writes.append(args[2]), real(*args))
    )
    first = _body(_get(client, "coverage", "gpkg"))
    ranged = client.get(
        reverse("exports:export", args=["coverage", "gpkg"]), HTTP_RANGE="bytes=0-99"
    )
    assert ranged.status_code == 206 and _body(ranged) == first[:100]
    assert client.head(reverse("exports:export", args=["coverage", "gpkg"]))[
        "Content-Length"
    ] == str(len(first))
    assert writes == ["gpkg"]  # HEAD, GET and the range: one file
    _get(client, "coverage", "gpkg", lang="en")  # other headers: another file
    assert writes == ["gpkg", "gpkg"]
    Hotspot.objects.filter(pk=Hotspot.objects.public().first().pk).update(
        category="other"
    )  # the triggers bump the data version
    _get(client, "coverage", "gpkg")
    assert writes == ["gpkg", "gpkg", "gpkg"]


def test_a_withdrawn_publish_consent_leaves_the_next_cached_file_at_once(
    demo_areas, client
):
    from events.models import Consent, ConsentPurpose, Entrant

    build_scenario()
    team = Entrant.objects.get(name="Đội Phá Tam Giang")
    assert "Đội Phá Tam Giang" in _body(_get(client, "events", "kml")).decode()
    Consent.objects.create(
        entrant=team, purpose=ConsentPurpose.PUBLISH, granted=False, notice_version="1"
    )
    after = _body(_get(client, "events", "kml")).decode()
    assert "Đội Phá Tam Giang" not in after
    assert f"#{team.pk}" in after  # the neutral label instead


def test_old_files_are_swept_and_the_directory_stays_bounded(
    settings, tmp_path, monkeypatch
):
    from maps import export_files

    settings.EXPORT_CACHE_DIR = str(tmp_path)
    settings.EXPORT_CACHE_MAX_BYTES = 2500
    old = tmp_path / "old.gpkg"
    old.write_bytes(b"x" * 100)
    os.utime(old, (0, 0))
    for name in ("a", "b", "c"):
        export_files.cached_file(
            name, "gpkg", lambda path: open(path, "wb").write(b"y" * 1000)
        )
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".gpkg")
    assert names == ["b.gpkg", "c.gpkg"]  # the stale one and the oldest went


# --- typed, named, labelled ---------------------------------------------------------


def test_geopackages_have_typed_columns(demo_areas_tx, client, tmp_path):
    build_scenario()
    for dataset in DATASETS:
        path = tmp_path / f"{dataset}.gpkg"
        path.write_bytes(_body(_get(client, dataset, "gpkg")))
        with sqlite3.connect(path) as db:
            types = {
                row[1]: row[2] for row in db.execute(f"PRAGMA table_info('{dataset}')")
            }
            if dataset == "events":
                started = db.execute("SELECT started_at FROM events").fetchone()[0]
                assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", started)
        expected = {
            "hotspots": {
                "id": "INTEGER",
                "score": "REAL",
                "confirmations": "MEDIUMINT",  # GeoPackage's 32-bit integer
                "created_at": "DATETIME",
                "priority": "BOOLEAN",
                "category": "TEXT(20)",
            },
            "events": {
                "id": "MEDIUMINT",
                "entrant_id": "MEDIUMINT",
                "started_at": "DATETIME",
                "participants": "MEDIUMINT",
                "weight_kg": "REAL",
                "bags": "MEDIUMINT",
            },
            "coverage": {
                "area_id": "MEDIUMINT",
                "approximate": "BOOLEAN",
                "events": "MEDIUMINT",
                "verified_kg": "REAL",
                "priority_cleaned_share": "REAL",
            },
        }[dataset]
        assert {key: types[key] for key in expected} == expected, dataset


def _placemarks(body: bytes) -> list[str]:
    tree = ET.fromstring(body)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    return [
        placemark.findtext("k:name", namespaces=ns)
        for placemark in tree.iterfind(".//k:Placemark", ns)
    ]


def test_kml_placemarks_are_named_by_category_and_area(demo_areas_tx, client):
    build_scenario()
    names = _placemarks(_body(_get(client, "hotspots", "kml")))
    assert len(names) == 4
    assert sorted(names) == sorted(
        ["Rác thải nhựa – Thành phố Huế"] * 2 + ["Rác thải nhựa – Huyện Phú Vang"] * 2
    ), names
    coverage = _placemarks(_body(_get(client, "coverage", "kml")))
    assert "Thành phố Huế" in coverage and len(coverage) == 9
    events = _placemarks(_body(_get(client, "events", "kml")))
    assert len(events) == 4 and all(" – " in name for name in events), events


def test_kml_integers_read_back_as_integers(demo_areas_tx, client, tmp_path):
    import pyogrio

    build_scenario()
    for dataset, key in [("hotspots", "confirmations"), ("events", "participants")]:
        path = tmp_path / f"{dataset}.kml"
        path.write_bytes(_body(_get(client, dataset, "kml")))
        info = pyogrio.read_info(path)
        types = dict(zip(info["fields"], info["dtypes"], strict=True))
        assert types[key].startswith("int"), (dataset, types)


def _csv(body: bytes, delimiter=",") -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel detects it
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def _number(text: str, decimal: str) -> float | str:
    try:
        return float(text.replace(decimal, ".")) if text else ""
    except ValueError:
        return text


@pytest.mark.parametrize("dataset", DATASETS)
def test_semicolon_csv_has_decimal_commas_and_the_same_values(
    demo_areas, client, dataset
):
    build_scenario()
    plain = _csv(_body(_get(client, dataset, "csv")))
    semicolon = _csv(_body(_get(client, dataset, "csv", sep="semicolon")), ";")
    assert (
        plain[0] == semicolon[0] and len(plain) == len(semicolon) == ROWS[dataset] + 1
    )
    for row, other in zip(plain[1:], semicolon[1:], strict=True):
        assert [_number(c, ".") for c in row] == [_number(c, ",") for c in other]
    column = plain[0].index(
        "lon" if dataset != "coverage" else "Khối lượng xác nhận (kg)"
    )
    reals = [row[column] for row in semicolon[1:]]
    assert any("," in value for value in reals), reals
    assert not any("." in value for value in reals), reals


def test_csv_has_a_label_beside_each_code_in_the_chosen_language(demo_areas, client):
    build_scenario()
    header, *rows = _csv(_body(_get(client, "hotspots", "csv")))
    assert header[:3] == ["Mã", "Loại", "Loại (tên)"]
    assert header[-3:] == ["lon", "lat", "WKT"]
    assert {row[1] for row in rows} == {"plastic"}
    assert {row[2] for row in rows} == {"Rác thải nhựa"}
    priority = header.index("Ưu tiên")
    assert {row[priority] for row in rows} == {"0", "1"}
    assert {row[priority + 1] for row in rows} == {"Có", "Không"}
    assert "False" not in {cell for row in rows for cell in row}
    english, *rows = _csv(_body(_get(client, "hotspots", "csv", lang="en")))
    assert english[:3] == ["Code", "Type", "Type (label)"]
    assert {row[2] for row in rows} == {"Plastic waste"}
    assert {row[english.index("Priority") + 1] for row in rows} == {"Yes", "No"}
    response = client.get(
        reverse("exports:export", args=["coverage", "csv"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Content-Language"] == "en"
    header = _csv(_body(response))[0]
    assert "Approximate boundary (label)" in header


@pytest.mark.parametrize("dataset", DATASETS)
def test_geojson_exports_are_rfc_7946(demo_areas, client, dataset):
    build_scenario()
    response = _get(client, dataset, "geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(_body(response))
    assert "crs" not in collection
    assert validate_structure(collection, check_crs=True) == {}
    for feature in collection["features"]:
        assert isinstance(feature["id"], int)
        text = json.dumps(feature["geometry"]["coordinates"])
        assert not re.search(r"\.\d{7,}", text)
    # Invalid by RFC 7946 (unclosed, clockwise exteriors...), or too precise,
    # 3D, outside lon/lat.
    result = validate_geometries(
        collection,
        criteria_problematic=(
            "excessive_coordinate_precision",
            "3d_coordinates",
            "outside_lat_lon_boundaries",
        ),
    )
    assert result["invalid"] == {} and result["problematic"] == {}, result
    if dataset == "events":
        props = collection["features"][0]["properties"]
        assert isinstance(props["participants"], int)
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$", props["started_at"])


@pytest.mark.parametrize(
    "params",
    [
        {"sep": "tab"},
        {"lang": "fr"},
        {"campaign": "x\x00y"},
        {"level": "\x00"},
        {"campaign": "khong-co"},
    ],
)
def test_garbage_parameters_are_400_json(demo_areas, client, params):
    build_scenario()
    for fmt in FORMATS:
        response = _get(client, "coverage", fmt, **params)
        assert response.status_code == 400, (fmt, params)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"]


def test_export_page_recommends_a_format_for_each_user(db, client):
    page = client.get(reverse("exports:page"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "XLSX" in text and "CSV (dấu ;)" in text and "GeoPackage" in text
    assert "sep=semicolon" in text
    english = client.get(reverse("exports:page"), HTTP_COOKIE="django_language=en")
    assert "Which format?" in english.content.decode()


def test_coverage_page_links_name_the_page_language_and_the_advice(demo_areas, client):
    build_scenario()
    page = client.get(reverse("coverage:page"), HTTP_ACCEPT_LANGUAGE="en").content
    text = page.decode()
    # The page stays Vietnamese whatever Accept-Language says; so do its exports.
    assert "lang=vi" in text and reverse("exports:page") in text
    link = re.search(r'href="(/exports/coverage\.csv\?[^"]+)"', text).group(1)
    response = client.get(link.replace("&amp;", "&"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "vi"
