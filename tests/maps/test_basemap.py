"""The fallback base map (/maps/basemap.geojson), the MBTiles base map's tiles,
and which base map the pages are given (maps.basemap)."""

import json
import sqlite3

import pytest
from django.core.cache import cache
from django.urls import reverse

from geo.models import AdminArea
from maps import basemap
from tests import builders

URL = reverse("maps:basemap")
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def features(response, kind=None):
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return [
        f for f in body["features"] if kind is None or f["properties"]["kind"] == kind
    ]


def test_mid_band_has_district_outlines_waterways_and_district_labels(
    demo_areas, client
):
    response = client.get(URL, {"zoom": "10"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert json.loads(response.content)["attribution"] == "dữ liệu minh hoạ"
    outlines = features(response, "area")
    assert sorted({f["properties"]["level"] for f in outlines}) == [
        "district",
        "province",
    ]
    assert len(outlines) == 10
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in outlines)
    labels = {f["properties"]["name"] for f in features(response, "label")}
    assert "Thành phố Huế" in labels and len(labels) == 9  # districts, not the province
    water = {f["properties"]["name"] for f in features(response, "water")}
    assert water == {"Sông Hương", "Sông An Cựu", "Phá Tam Giang – Cầu Hai"}
    assert {f["properties"]["source"] for f in features(response, "water")} == {
        "dữ liệu minh hoạ"
    }


def test_low_band_labels_the_province_and_simplifies_more(demo_areas, client):
    low = client.get(URL, {"zoom": "6"})
    labels = [f["properties"] for f in features(low, "label")]
    assert [p["level"] for p in labels] == ["province"]
    high = client.get(URL, {"zoom": "14"})

    def vertices(response):
        return sum(len(json.dumps(f["geometry"])) for f in features(response, "area"))

    assert vertices(low) < vertices(high)


def test_label_points_lie_inside_their_area(demo_areas, client):
    hue = AdminArea.objects.get(level="district", code="474")
    for f in features(client.get(URL, {"zoom": "10"}), "label"):
        if f["properties"]["name"] == hue.name:
            from django.contrib.gis.geos import Point

            assert hue.geom.contains(Point(*f["geometry"]["coordinates"], srid=4326))
            break
    else:
        pytest.fail("no label for Huế")


def test_areas_no_longer_in_force_are_not_drawn(demo_areas, client):
    import datetime as dt

    AdminArea.objects.filter(code="474").update(
        valid_from=dt.date(2000, 1, 1), valid_to=dt.date(2001, 1, 1)
    )
    names = {f["properties"]["name"] for f in features(client.get(URL), "label")}
    assert "Thành phố Huế" not in names and "Huyện Phú Vang" in names


def test_no_personal_data_and_no_hotspot_is_read(
    demo_areas, client, organiser, django_assert_num_queries
):
    builders.hotspot(status="verified", actor=organiser)
    text = client.get(URL, {"zoom": "12"}).content.decode()
    assert organiser.username not in text and "@" not in text
    assert "hotspot" not in text
    # Cached: one small query (the areas' data version), never the hotspots.
    with django_assert_num_queries(1) as ctx:
        client.get(URL, {"zoom": "12"})
    assert "hotspots_hotspot" not in ctx.captured_queries[0]["sql"]


def test_etag_304_and_a_boundary_change_is_a_new_etag(demo_areas, client):
    first = client.get(URL, {"zoom": "9"})
    etag = first["ETag"]
    assert client.get(URL, {"zoom": "11"})["ETag"] == etag  # the same band
    assert client.get(URL, {"zoom": "12"})["ETag"] != etag
    again = client.get(URL, {"zoom": "9"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    hue = AdminArea.objects.get(code="474")
    hue.name = "Thành phố Huế (mới)"
    hue.save(update_fields=["name"])
    changed = client.get(URL, {"zoom": "9"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Thành phố Huế (mới)" in changed.content.decode()


@pytest.mark.parametrize("zoom", ["-1", "abc", "1.5", "nan", "٣", "21", "9" * 13])
def test_bad_zoom_is_a_400_naming_it(db, client, zoom):
    response = client.get(URL, {"zoom": zoom})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "zoom"


def test_no_zoom_is_the_default_zoom(demo_areas, client, settings):
    settings.MAP_ZOOM = 9
    assert client.get(URL)["ETag"] == client.get(URL, {"zoom": "9"})["ETag"]


def test_a_missing_waterways_file_leaves_the_boundaries(demo_areas, client, settings):
    settings.MAP_BASEMAP_WATERWAYS = "/nonexistent/waterways.geojson"
    response = client.get(URL)
    assert features(response, "water") == [] and features(response, "area")


def test_the_waterways_file_is_generate_datas_lines(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "w.geojson"
    call_command("demo_waterways", output=str(out))
    shipped = basemap.settings.MAP_BASEMAP_WATERWAYS
    assert json.loads(out.read_text()) == json.loads(open(shipped).read())


# --- which base map -------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "tile_url", "expected"),
    [
        ("", "https://tiles.intranet.example/{z}/{x}/{y}.png", "tiles"),
        ("", "", "fallback"),
        ("fallback", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "fallback"),
        ("none", "", "none"),
        ("mbtiles", "", "mbtiles"),
    ],
)
def test_mode_is_the_setting_or_derived_from_the_tile_url(
    settings, setting, tile_url, expected
):
    settings.MAP_BASEMAP = setting
    settings.MAP_TILE_URL = tile_url
    assert basemap.mode() == expected


def test_an_unknown_mode_is_refused(settings):
    settings.MAP_BASEMAP = "osm"
    with pytest.raises(ValueError):
        basemap.mode()


def test_test_settings_draw_the_fallback_and_no_raster():
    assert basemap.mode() == "fallback"
    assert basemap.raster_url() is None
    assert basemap.leaflet_config()["fallback"]["url"] == URL


def test_intranet_tiles_give_a_raster_and_no_fallback(settings):
    settings.MAP_BASEMAP = "tiles"
    settings.MAP_TILE_URL = "https://tiles.ioc.example/{z}/{x}/{y}.png"
    assert basemap.leaflet_config() == {
        "tileUrl": "https://tiles.ioc.example/{z}/{x}/{y}.png",
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "fallback": None,
    }


# --- MBTiles --------------------------------------------------------------------


@pytest.fixture
def mbtiles(tmp_path, settings):
    path = tmp_path / "base.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE tiles (zoom_level integer, tile_column integer,"
            " tile_row integer, tile_data blob)"
        )
        # z10 x=817 y=470 (XYZ, over Huế) is TMS row 2^10 - 1 - 470 = 553.
        db.execute("INSERT INTO tiles VALUES (10, 817, 553, ?)", (PNG,))
    settings.MAP_BASEMAP = "mbtiles"
    settings.MAP_BASEMAP_MBTILES = str(path)
    return path


def tile_url(z, x, y):
    return reverse("maps:basemap-tile", args=[z, x, y])


def test_mbtiles_tile_is_served_with_xyz_rows(db, client, mbtiles):
    response = client.get(tile_url(10, 817, 470))
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert client.get(tile_url(10, 817, 553)).status_code == 404  # TMS row not XYZ
    assert basemap.raster_url() == "/maps/basemap/{z}/{x}/{y}.png"
    assert basemap.fallback_config() is None


@pytest.mark.parametrize(
    ("z", "x", "y", "status"),
    [("abc", "0", "0", 400), ("21", "0", "0", 404), ("2", "4", "0", 404)],
)
def test_mbtiles_bad_addresses(db, client, mbtiles, z, x, y, status):
    assert client.get(tile_url(z, x, y)).status_code == status


def test_mbtiles_tiles_are_404_when_not_configured(db, client, settings):
    assert settings.MAP_BASEMAP == "fallback"
    assert client.get(tile_url(0, 0, 0)).status_code == 404


# --- folium's maps ----------------------------------------------------------------


def test_folium_maps_get_a_metric_scale_and_the_fallback_without_tiles(db):
    from maps.assets import make_map, render_parts

    parts = render_parts(make_map())
    assert "L.control.scale({imperial: false})" in parts.script
    assert "L.control.scale()" not in parts.script  # folium's, with feet and miles
    assert "chxBasemap.leaflet(" in parts.script
    assert '"url": "/maps/basemap.geojson"' in parts.script
    assert "/static/js/basemap.js" in parts.header
    assert "L.tileLayer(" not in parts.script  # no tile server to ask


def test_folium_maps_with_tiles_draw_them_and_no_fallback(db, settings):
    from maps.assets import make_map, render_parts

    settings.MAP_BASEMAP = "tiles"
    parts = render_parts(make_map())
    assert "L.tileLayer(" in parts.script and "/static/tiles/" in parts.script
    assert "chxBasemap.leaflet(" not in parts.script
    assert "L.control.scale({imperial: false})" in parts.script


def test_public_map_says_it_draws_our_own_base_map(demo_areas, client, settings):
    html = client.get(reverse("maps:public")).content.decode()
    assert 'data-testid="basemap-note"' in html and "sông và phá" in html
    assert 'data-testid="approximate-note"' in html
    settings.MAP_BASEMAP = "tiles"
    html = client.get(reverse("maps:public")).content.decode()
    assert 'data-testid="basemap-note"' not in html
