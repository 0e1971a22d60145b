"""GDAL's OAPIF driver reads /ogc/ like any OGC API – Features server.

ogr2ogr opens OAPIF:<live server>/ogc/, follows `next` across pages (page size
1) inside a bbox (-spat), and writes what it read to GeoJSON; the count equals
the REST API's for the same box. GDAL reads on its own HTTP connections, so
the scenario is committed (demo_areas_tx).
"""

import json
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.maps.test_coverage import build_scenario

pytestmark = pytest.mark.skipif(
    shutil.which("ogr2ogr") is None, reason="GDAL's command-line tools are missing"
)
BOX = (107.5, 16.4, 107.8, 16.6)  # Huế and Phú Vang: every scenario row


@pytest.fixture
def committed(demo_areas_tx):
    return build_scenario()


def _gdal_read(live_server, collection: str, tmp_path, *spat) -> tuple[list, list]:
    """Return (features GDAL read, item pages it fetched)."""
    out = tmp_path / f"{collection}.geojson"
    command = [
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(out),
        f"OAPIF:{live_server.url}/ogc/",
        collection,
        "-oo",
        "PAGE_SIZE=1",
    ]
    if spat:
        command += ["-spat", *map(str, spat)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={"CPL_DEBUG": "ON", "GDAL_HTTP_TIMEOUT": "30", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    pages = re.findall(r"/ogc/collections/[^/\s]+/items\?[^\s)]*", done.stderr)
    return json.loads(out.read_text())["features"], pages


def _rest_count(client, collection: str, box) -> int:
    text = ",".join(map(str, box))
    if collection == "hotspots":
        url, params = (
            reverse("api:hotspots-api:list"),
            {"in_bbox": text, "count": "true"},
        )
        return client.get(url, params).json()["count"]
    if collection == "events":
        # The REST list has no box: count its features inside it.
        features = client.get(reverse("api:events-api:event-list")).json()["features"]
        return sum(
            box[0] <= f["geometry"]["coordinates"][0] <= box[2]
            and box[1] <= f["geometry"]["coordinates"][1] <= box[3]
            for f in features
        )
    raise AssertionError(collection)


@pytest.mark.parametrize("collection", ["hotspots", "events"])
def test_gdal_reads_every_point_in_a_box_across_pages(
    committed, live_server, client, tmp_path, collection
):
    features, pages = _gdal_read(live_server, collection, tmp_path, *BOX)
    expected = _rest_count(client, collection, BOX)
    assert expected == 4
    assert len(features) == expected
    assert len({f["properties"]["id"] for f in features}) == expected
    assert len([p for p in pages if "cursor=" in p]) >= 3  # followed `next`
    assert all("bbox=" in p for p in pages if "cursor=" in p), pages


def test_gdal_reads_a_smaller_box_as_the_api_does(
    committed, live_server, client, tmp_path
):
    box = (107.58, 16.45, 107.62, 16.47)  # Huế only
    features, _ = _gdal_read(live_server, "hotspots", tmp_path, *box)
    assert len(features) == _rest_count(client, "hotspots", box) == 2


@pytest.mark.parametrize(
    ("collection", "rows"),
    [("areas-district", 9), ("coverage-thu-nghiem-district", 9), ("areas-province", 1)],
)
def test_gdal_reads_areas_and_coverage(
    committed, live_server, client, tmp_path, collection, rows
):
    features, pages = _gdal_read(live_server, collection, tmp_path)
    assert len(features) == rows
    if rows > 3:
        assert len([p for p in pages if "cursor=" in p]) >= 3
    rest = client.get(reverse("ogc:items", args=[collection]), {"limit": 1000}).json()
    key = "area_id" if collection.startswith("coverage") else "id"
    assert sorted(f["properties"][key] for f in features) == sorted(
        f["id"] for f in rest["features"]
    )
