"""Boundary sets loaded after the data: re-linking, conflicts, --replace, names,
encodings and validity windows. The "official" files are written here, by GDAL
(ogr2ogr), from shapes made for the tests."""

import datetime as dt
import json
import subprocess
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import box, mapping

from geo.models import AdminArea
from geo.selectors import areas_in_force_containing
from hotspots import services
from hotspots.models import Hotspot, Status
from maps import rollups
from maps.selectors import area_metrics, area_outlines_geojson, layer_version
from tests import builders

# Two "official" wards over central Huế, side by side (lon, lat boxes).
WARDS = [
    ("P01", "Phường Phú Hội", box(107.575, 16.445, 107.595, 16.47)),
    ("P02", "Phường Vĩnh Ninh", box(107.595, 16.445, 107.62, 16.47)),
]


def write_geojson(path: Path, features, *, name="ten", code="ma") -> Path:
    """Write the features (code, name, shapely geometry) as GeoJSON through ogr2ogr."""
    source = path.with_suffix(".src.json")
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {name: n, code: c},
                        "geometry": mapping(g),
                    }
                    for c, n, g in features
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", str(path), str(source)],
        check=True,
        capture_output=True,
    )
    return path


def cp1258(text: str) -> bytes:
    """Encode Vietnamese in Windows-1258: base letters precomposed where the code
    page has them, tone marks combining."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *rest = unicodedata.normalize("NFD", ch)
        for mark in rest:
            joined = unicodedata.normalize("NFC", base + mark)
            try:
                joined.encode("cp1258")
            except UnicodeEncodeError:
                continue
            base = joined
            rest.remove(mark)
            break
        out += (base + "".join(rest)).encode("cp1258")
    return out


def write_cp1258_shapefile(path: Path, features) -> Path:
    """A Shapefile whose .dbf text is cp1258, with no .cpg and no language id."""
    # GDAL writes latin-1 text byte for byte: give it the cp1258 bytes as latin-1.
    encoded = [(c, cp1258(n).decode("latin-1"), g) for c, n, g in features]
    source = write_geojson(path.with_suffix(".geojson"), encoded)
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=ISO-8859-1"]
        + [str(path), str(source)],
        check=True,
        capture_output=True,
    )
    path.with_suffix(".cpg").unlink()
    dbf = path.with_suffix(".dbf")
    header = bytearray(dbf.read_bytes())
    header[29] = 0  # no language driver id either
    dbf.write_bytes(bytes(header))
    assert cp1258(features[0][1]) in dbf.read_bytes()
    return path


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_areas", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def load_wards(path, *extra, level="ward"):
    return run(
        path, "--level", level, "--name-field", "ten", "--code-field", "ma", *extra
    )


@pytest.fixture
def data(demo_areas):
    """Hotspots and events recorded on the demo districts, before any file."""
    contest = builders.contest()
    hotspots = [
        builders.hotspot(
            location=builders.point(107.570 + 0.004 * i, 16.45 + 0.003 * j)
        )
        for i in range(14)
        for j in range(5)
    ]
    events = [
        builders.event(
            entrant=contest.entrant, location=builders.at(i), hours_ago=30 + i
        )
        for i in range(3)
    ]
    return contest, hotspots, events


def inside(geometry, rows) -> int:
    """Point-in-polygon, counted here with shapely, independently of PostGIS."""
    return sum(geometry.covers(ShapelyPoint(r.location.x, r.location.y)) for r in rows)


def test_loaded_after_the_data_the_coverage_counts_existing_hotspots(
    data, tmp_path, api_client
):
    contest, hotspots, events = data
    for hotspot in hotspots[::7]:  # public ones: the public map's filter reads links
        services.hotspot_verify(hotspot=hotspot, actor=builders.organiser())
    areas_version, hotspots_version = layer_version("areas"), layer_version("hotspots")
    out, _err = load_wards(write_geojson(tmp_path / "wards.geojson", WARDS))
    assert "2 features: 2 created, 0 updated" in out
    expected = {code: inside(geom, hotspots) for code, _n, geom in WARDS}
    assert all(expected.values())
    in_any = sum(
        any(g.covers(ShapelyPoint(h.location.x, h.location.y)) for _c, _n, g in WARDS)
        for h in hotspots
    )
    assert f"{in_any} of {len(hotspots)} Hotspot rows linked to a 'ward' area" in out
    assert "CleanupEvent rows linked to a 'ward' area" in out
    response = api_client.get(
        reverse("api:coverage-api:coverage"),
        {"campaign": contest.campaign.slug, "level": "ward"},
    )
    assert response.status_code == 200
    got = {
        f["properties"]["code"]: f["properties"]["hotspots_reported"]
        for f in response.json()["features"]
    }
    assert got == expected
    events_in = {code: inside(geom, events) for code, _n, geom in WARDS}
    metrics = {
        r.code: r.events for r in area_metrics(campaign=contest.campaign, level="ward")
    }
    assert metrics == events_in and sum(events_in.values()) == 3
    assert rollups.differences() == []
    check = StringIO()
    call_command("rollups", "--check", stdout=check)
    assert layer_version("areas") > areas_version
    assert layer_version("hotspots") > hotspots_version


def test_overlapping_existing_districts_are_refused_naming_both(data, tmp_path):
    path = write_geojson(tmp_path / "d.geojson", WARDS)
    with pytest.raises(CommandError) as err:
        load_wards(path, level="district")
    message = str(err.value)
    assert "'Phường Phú Hội' [code P01] (feature 1) overlaps" in message
    thanh_pho = AdminArea.objects.get(level="district", code="474")
    assert f"'{thanh_pho.name}' [code 474] (id {thanh_pho.pk})" in message
    assert "% of the smaller" in message and "--replace" in message
    assert "nothing was loaded" in message
    assert not AdminArea.objects.filter(code__in=["P01", "P02"]).exists()


def test_an_existing_code_with_another_name_is_a_conflict_not_a_rename(data, tmp_path):
    phu_loc = AdminArea.objects.get(level="district", code="482")
    # Somewhere the demo districts do not reach, so only the code collides.
    far = box(108.9, 15.0, 108.95, 15.05)
    path = write_geojson(tmp_path / "d.geojson", [("482", "Huong Thủy", far)])
    with pytest.raises(CommandError) as err:
        load_wards(path, level="district")
    message = str(err.value)
    assert "code 482" in message and "'Huong Thủy'" in message
    assert f"'{phu_loc.name}' (id {phu_loc.pk})" in message
    phu_loc.refresh_from_db()
    assert phu_loc.name == "Huyện Phú Lộc"


def test_replace_swaps_the_level_whole_and_relinks(data, tmp_path, api_client):
    contest, hotspots, events = data
    path = write_geojson(tmp_path / "d.geojson", WARDS)
    links = (
        AdminArea.hotspots.through.objects.filter(adminarea__level="district").count()
        + AdminArea.cleanup_events.through.objects.filter(
            adminarea__level="district"
        ).count()
    )
    assert links >= len(hotspots) + len(events)
    out, _err = load_wards(path, "--replace", level="district")
    assert f"9 replaced (deleted, with their {links} row links)" in out
    assert sorted(
        AdminArea.objects.filter(level="district").values_list("code", flat=True)
    ) == ["P01", "P02"]
    located = areas_in_force_containing(Point(107.58, 16.46, srid=4326))
    assert [a.level for a in located] == ["province", "district"]
    assert located[1].code == "P01"
    expected = {code: inside(geom, hotspots) for code, _n, geom in WARDS}
    rows = area_metrics(campaign=contest.campaign, level="district")
    assert {r.code: r.hotspots_reported for r in rows} == expected
    # No link points at a deleted area; rollups equal a recomputation.
    assert not AdminArea.hotspots.through.objects.exclude(
        adminarea__in=AdminArea.objects.all()
    ).exists()
    assert rollups.differences() == []
    # The province keeps its links (another level).
    province = AdminArea.objects.get(level="province")
    assert province.hotspots.count() == len(hotspots)


def test_replace_refuses_when_a_child_would_lose_its_parent(data, tmp_path):
    child = AdminArea.objects.filter(level="district").order_by("code").first()
    # A commune under the district; the new file does not cover it.
    path = write_geojson(tmp_path / "c.geojson", [("C1", "Xã Lạ", _interior(child))])
    load_wards(path, "--parent-level", "district", level="commune")
    far = [("Z1", "Vùng xa", box(108.9, 15.0, 108.95, 15.05))]
    with pytest.raises(CommandError, match="no new area covers them: 'Xã Lạ'"):
        load_wards(
            write_geojson(tmp_path / "z.geojson", far), "--replace", level="district"
        )
    assert AdminArea.objects.filter(level="district").count() == 9


def _interior(area):
    """A small square inside the area, around its point on surface."""
    p = area.geom.point_on_surface
    return box(p.x - 0.001, p.y - 0.001, p.x + 0.001, p.y + 0.001)


def test_names_are_nfc_and_confusables_are_fixed_and_reported(db, tmp_path):
    eth = "\u00d0ông Hà"  # Icelandic eth, not Đ
    nfd = unicodedata.normalize("NFD", "Phường Thuận Hòa")
    path = write_geojson(
        tmp_path / "n.geojson",
        [("N1", eth, WARDS[0][2]), ("N2", nfd, WARDS[1][2])],
    )
    out, _err = load_wards(path)
    assert "U+00D0 Ð → U+0110 Đ" in out and "'Đông Hà'" in out
    assert "feature 2:" in out and "(NFC)" in out
    assert "2 names fixed" in out
    assert set(AdminArea.objects.values_list("name", flat=True)) == {
        "\u0110ông Hà",
        unicodedata.normalize("NFC", "Phường Thuận Hòa"),
    }


def test_shapefile_without_cpg_warns_and_encoding_reads_it(db, tmp_path):
    path = write_cp1258_shapefile(tmp_path / "wards.shp", WARDS)
    out, err = load_wards(path)
    assert "names look mis-decoded" in err and "--encoding" in err
    assert "U+FFFD" in err
    out, err = load_wards(path, "--encoding", "cp1258", "--replace")
    assert "mis-decoded" not in err
    assert sorted(AdminArea.objects.values_list("name", flat=True)) == [
        "Phường Phú Hội",
        "Phường Vĩnh Ninh",
    ]
    for area in AdminArea.objects.all():
        assert unicodedata.is_normalized("NFC", area.name)


def test_latin1_read_of_cp1258_text_is_flagged(db, tmp_path):
    path = write_cp1258_shapefile(tmp_path / "wards.shp", WARDS)
    _out, err = load_wards(path, "--encoding", "latin-1")
    assert "cp1258 read as latin-1" in err


def test_unknown_encoding_is_refused(db, tmp_path):
    path = write_cp1258_shapefile(tmp_path / "wards.shp", WARDS)
    with pytest.raises(CommandError, match="Unknown encoding 'klingon'"):
        load_wards(path, "--encoding", "klingon")


# Before 1 July 2025: two communes; from then on, one commune merging them.
OLD = [("X1", "Xã Phú Hội cũ", WARDS[0][2]), ("X2", "Xã Vĩnh Ninh cũ", WARDS[1][2])]
NEW = [("M1", "Phường Thuận Hóa", WARDS[0][2].union(WARDS[1][2]))]


def campaign(year, slug):
    start = dt.date(year, 3, 1)
    return builders.campaign(
        slug=slug,
        name=f"Chủ nhật xanh {year}",
        registration_start=start,
        registration_end=start + dt.timedelta(days=30),
        activity_start=start,
        activity_end=start + dt.timedelta(days=60),
        coverage_level="commune",
    )


def test_validity_windows_pick_the_units_of_each_campaign(data, tmp_path):
    _contest, hotspots, _events = data
    # Half the hotspots were reported in 2024 (dated before any file is loaded).
    reported_2024 = [h for n, h in enumerate(hotspots) if n % 2 == 0]
    Hotspot.objects.filter(pk__in=[h.pk for h in reported_2024]).update(
        created_at=dt.datetime(2024, 4, 1, 8, tzinfo=dt.UTC)
    )
    old = write_geojson(tmp_path / "old.geojson", OLD)
    new = write_geojson(tmp_path / "new.geojson", NEW)
    load_wards(old, "--valid-to", "2025-07-01", level="commune")
    # Overlapping ground, but not overlapping windows: no conflict.
    load_wards(new, "--valid-from", "2025-07-01", level="commune")
    # The same new units again for an overlapping window are a conflict.
    with pytest.raises(CommandError, match="overlaps 'Xã Phú Hội cũ'"):
        run(
            new,
            "--level",
            "commune",
            "--name-field",
            "ten",
            "--code-field",
            "ma",
            "--valid-from",
            "2025-01-01",
            "--valid-to",
            "2025-08-01",
        )
    c2024, c2026 = campaign(2024, "cnx-2024"), campaign(2026, "cnx-2026")
    old_rows = area_metrics(campaign=c2024, level="commune")
    new_rows = area_metrics(campaign=c2026, level="commune")
    assert [r.code for r in old_rows] == ["X1", "X2"]
    assert [r.code for r in new_rows] == ["M1"]
    # A row counts in the units not yet ended on its day: the 2024 reports in
    # the old communes (and the new one, which replaced them), the 2026 ones
    # only in the new commune.
    assert {r.code: r.hotspots_reported for r in old_rows} == {
        code: inside(geom, reported_2024) for code, _n, geom in OLD
    }
    assert all(r.hotspots_reported for r in old_rows)
    assert new_rows[0].hotspots_reported == inside(NEW[0][2], hotspots)
    assert set(area_outlines_geojson(level="commune", campaign=c2024)) == {
        r.area_id for r in old_rows
    }
    # Locate (and new rows) use the units in force today: the new commune.
    located = areas_in_force_containing(Point(107.58, 16.46, srid=4326))
    assert "M1" in [a.code for a in located]
    assert not {"X1", "X2"} & {a.code for a in located}
    fresh = builders.hotspot(location=builders.point(107.58, 16.46))
    assert set(fresh.areas.filter(level="commune").values_list("code", flat=True)) == {
        "M1"
    }
    assert rollups.differences() == []


def test_a_code_held_in_another_window_is_refused(db, tmp_path):
    load_wards(write_geojson(tmp_path / "old.geojson", OLD), "--valid-to", "2025-07-01")
    again = [("X1", "Xã Phú Hội cũ", WARDS[0][2])]
    with pytest.raises(CommandError, match="unique within a level") as err:
        load_wards(
            write_geojson(tmp_path / "again.geojson", again),
            "--valid-from",
            "2025-07-01",
            "--replace",
        )
    assert "code X1 'Xã Phú Hội cũ'" in str(err.value)
    assert AdminArea.objects.count() == 2


def test_reversed_validity_is_refused(db, tmp_path):
    path = write_geojson(tmp_path / "w.geojson", WARDS)
    with pytest.raises(CommandError, match="must be after"):
        load_wards(path, "--valid-from", "2025-07-01", "--valid-to", "2025-01-01")


def test_pages_name_and_offer_the_districts_in_force(demo_areas, tmp_path, client):
    # The demo districts end on 1 July 2025; official ones take over that day.
    AdminArea.objects.filter(level="district").update(valid_to=dt.date(2025, 7, 1))
    hotspot = builders.hotspot(
        location=builders.point(107.58, 16.46), status=Status.VERIFIED
    )
    Hotspot.objects.filter(pk=hotspot.pk).update(
        created_at=dt.datetime(2024, 4, 1, 8, tzinfo=dt.UTC)
    )
    path = write_geojson(tmp_path / "d.geojson", WARDS)
    load_wards(path, "--valid-from", "2025-07-01", level="district")
    # Reported in 2024: linked to the district of then and to the one of now.
    assert set(
        Hotspot.objects.get(pk=hotspot.pk)
        .areas.filter(level="district")
        .values_list("code", flat=True)
    ) == {"474", "P01"}
    page = client.get(reverse("hotspots:list")).content.decode()
    assert "· Phường Phú Hội" in page
    assert "· Thành phố Huế" not in page
    assert '<option value="' in page and ">Thành phố Huế</option>" not in page
    assert ">Phường Phú Hội</option>" in page
