import unicodedata
from pathlib import Path

import geopandas as gpd
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management.base import CommandError

from geo.models import AdminArea, AdminAreaPart
from geo.selectors import areas_containing

CANNED = Path(settings.BASE_DIR) / "fixtures" / "tests"


def names(level=None):
    qs = (
        AdminArea.objects.all()
        if level is None
        else AdminArea.objects.filter(level=level)
    )
    return sorted(qs.values_list("name", flat=True))


def test_load_geojson_creates_areas_with_computed_area(load):
    out = load(
        CANNED / "squares-4326.geojson",
        "--level",
        "ward",
        "--name-field",
        "ten",
        "--code-field",
        "ma",
        "--name-en-field",
        "ten_en",
    )
    assert "2 features: 2 created, 0 updated, 0 repaired" in out
    a = AdminArea.objects.get(code="A1")
    assert (a.name, a.name_en, a.level) == ("Khu A", "Area A", "ward")
    # A 0.1° square at 16.45°N is about 11.1 km x 10.7 km.
    assert a.area_km2 == pytest.approx(118.5, rel=0.02)
    assert a.geom.srid == 4326 and a.geom.geom_type == "MultiPolygon"
    assert AdminAreaPart.objects.filter(area=a).exists()


def test_reloading_updates_instead_of_duplicating(load):
    args = (
        CANNED / "squares-4326.geojson",
        "--level",
        "ward",
        "--name-field",
        "ten",
        "--code-field",
        "ma",
    )
    load(*args)
    out = load(*args)
    assert "0 created, 2 updated" in out
    assert AdminArea.objects.count() == 2


def test_projected_file_is_reprojected_to_wgs84(load):
    load(
        CANNED / "squares-utm48n.geojson",
        "--level",
        "ward",
        "--name-field",
        "ten",
        "--code-field",
        "ma",
    )
    extent = AdminArea.objects.get(code="A1").geom.extent
    assert extent == pytest.approx((107.50, 16.40, 107.60, 16.50), abs=1e-5)
    assert [a.name for a in areas_containing(Point(107.65, 16.45, srid=4326))] == [
        "Khu B"
    ]


def test_invalid_polygon_is_repaired_and_counted(load):
    out = load(
        CANNED / "bowtie-invalid.geojson", "--level", "ward", "--name-field", "ten"
    )
    assert "1 repaired" in out
    area = AdminArea.objects.get(name="Nơ")
    assert area.geom.valid
    assert len(area.geom) == 2  # the bow tie becomes its two triangles


def test_missing_field_is_one_line_error_and_loads_nothing(load):
    with pytest.raises(CommandError) as err:
        load(CANNED / "missing-field.geojson", "--level", "ward", "--name-field", "ten")
    message = str(err.value)
    assert "Field 'ten'" in message and "ma" in message and "\n" not in message
    assert AdminArea.objects.count() == 0


def test_wrong_layer_names_the_layers(load):
    with pytest.raises(CommandError, match="Layer 'nope' is not in"):
        load(
            CANNED / "squares-4326.geojson",
            "--level",
            "ward",
            "--name-field",
            "ten",
            "--layer",
            "nope",
        )
    assert AdminArea.objects.count() == 0


def test_unreadable_file_is_a_clear_error(load, tmp_path):
    bad = tmp_path / "broken.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        load(bad, "--level", "ward", "--name-field", "ten")
    with pytest.raises(CommandError, match="File not found"):
        load(tmp_path / "absent.shp", "--level", "ward", "--name-field", "ten")


def test_failure_midway_rolls_back_everything(load, tmp_path):
    gdf = gpd.read_file(CANNED / "squares-4326.geojson")
    gdf.loc[1, "ten"] = None  # second feature has an empty name
    path = tmp_path / "half.gpkg"
    gdf.to_file(path, layer="areas", driver="GPKG")
    with pytest.raises(CommandError, match="empty 'ten'"):
        load(path, "--level", "ward", "--name-field", "ten", "--code-field", "ma")
    assert AdminArea.objects.count() == 0


@pytest.mark.parametrize(
    ("suffix", "driver", "layer"),
    [("shp", "ESRI Shapefile", None), ("gpkg", "GPKG", "areas"), ("kml", "KML", None)],
)
def test_other_gdal_formats_load(load, tmp_path, suffix, driver, layer):
    gdf = gpd.read_file(CANNED / "squares-utm48n.geojson")
    name_field = "ten"
    if suffix == "kml":  # KML keeps a feature's name in its Name element, in WGS84
        gdf = gdf.rename(columns={"ten": "Name"}).to_crs(4326)
        name_field = "Name"
    path = tmp_path / f"areas.{suffix}"
    gdf.to_file(path, driver=driver, **({"layer": layer} if layer else {}))
    args = [path, "--level", "ward", "--name-field", name_field]
    if layer:
        args += ["--layer", layer]
    load(*args)
    assert names() == ["Khu A", "Khu B"]
    a = AdminArea.objects.get(name="Khu A")
    assert a.geom.extent == pytest.approx((107.50, 16.40, 107.60, 16.50), abs=1e-4)


def test_parent_level_links_the_parent_covering_most(load):
    load(
        CANNED / "parent-4326.geojson",
        "--level",
        "province",
        "--name-field",
        "ten",
        "--code-field",
        "ma",
    )
    out = load(
        CANNED / "squares-4326.geojson",
        "--level",
        "ward",
        "--name-field",
        "ten",
        "--code-field",
        "ma",
        "--parent-level",
        "province",
    )
    assert "2 linked to a province, 0 without one" in out
    parent = AdminArea.objects.get(level="province")
    assert set(parent.children.values_list("code", flat=True)) == {"A1", "B1"}
    located = areas_containing(Point(107.55, 16.45, srid=4326))
    assert [a.name for a in located] == ["Vùng cha", "Khu A"]


def test_names_are_stored_in_nfc(load):
    load(CANNED / "nfd-name.geojson", "--level", "ward", "--name-field", "ten")
    stored = AdminArea.objects.get().name
    assert stored == unicodedata.normalize("NFC", "Phường Thuận Hòa")
    assert unicodedata.is_normalized("NFC", stored)


def test_demo_areas_put_each_seat_in_its_own_unit(demo_areas):
    seats = {
        "474": (107.5909, 16.4637),
        "479": (107.6950, 16.4030),
        "480": (107.4610, 16.5260),
        "476": (107.3531, 16.5556),
        "477": (107.5103, 16.5864),
        "478": (107.7050, 16.4450),
        "482": (107.8826, 16.2683),
        "483": (107.7110, 16.1650),
        "481": (107.2430, 16.2160),
    }
    for code, (lon, lat) in seats.items():
        located = areas_containing(Point(lon, lat, srid=4326))
        assert [a.level for a in located] == ["province", "district"], code
        assert located[1].code == code
        assert located[1].approximate
    districts = AdminArea.objects.filter(level="district")
    assert districts.count() == 9
    for area in districts:
        others = districts.exclude(pk=area.pk).filter(geom__overlaps=area.geom)
        assert not others.exists(), area.name


def test_duplicate_codes_in_one_file_are_refused_naming_them(load, tmp_path):
    gdf = gpd.read_file(CANNED / "squares-4326.geojson")
    gdf["ma"] = "VN."  # real-world files do this
    path = tmp_path / "dupes.geojson"
    gdf.to_file(path, driver="GeoJSON")
    with pytest.raises(CommandError, match="Features 1 and 2 have the same code 'VN.'"):
        load(path, "--level", "ward", "--name-field", "ten", "--code-field", "ma")
    assert AdminArea.objects.count() == 0


def test_large_file_shows_progress(db, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from shapely.geometry import box

    cells = [
        box(
            107.3 + i * 0.01,
            16.3 + j * 0.01,
            107.3 + (i + 1) * 0.01,
            16.3 + (j + 1) * 0.01,
        )
        for i in range(20)
        for j in range(12)
    ]
    gdf = gpd.GeoDataFrame(
        {"ten": [f"Ô {n}" for n in range(len(cells))]}, geometry=cells, crs=4326
    )
    path = tmp_path / "grid.gpkg"
    gdf.to_file(path, driver="GPKG")
    out, err = StringIO(), StringIO()
    call_command(
        "load_areas",
        str(path),
        "--level",
        "cell",
        "--name-field",
        "ten",
        stdout=out,
        stderr=err,
    )
    assert "240/240" in err.getvalue()
    assert "240 features: 240 created" in out.getvalue()
    assert AdminArea.objects.filter(level="cell").count() == 240
