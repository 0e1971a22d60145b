"""Reading the vector-tile maps as a client would: tile addresses, MVT decoding,
the tile configuration a map page hands to static/js/tilemap.js."""

import json
import math
import re
from urllib.parse import parse_qsl, urlsplit

import mapbox_vector_tile
from django.urls import reverse


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """Return the z/x/y of the Web-Mercator tile holding the point."""
    n = 2**z
    fy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
    return z, int((lon + 180) / 360 * n), int(fy * n)


def tile_url(layer: str, z, x, y) -> str:
    return reverse("tiles:tile", args=[layer, z, x, y])


def decode(response) -> list[dict]:
    """Return the properties of every feature of a tile response."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    if not response.content:
        return []
    layers = mapbox_vector_tile.decode(response.content)
    return [f["properties"] for layer in layers.values() for f in layer["features"]]


def features(client, layer: str, z: int, points, **params) -> list[dict]:
    """Every feature of the tiles at zoom z that hold the points."""
    found = []
    for address in sorted({tile_of(p.x, p.y, z) for p in points}):
        found += decode(client.get(tile_url(layer, *address), params))
    return found


def tilemap_config(html: str, node: str = "tilemap-config") -> dict:
    """Return the JSON a map page hands to its script (static/js/tilemap.js;
    node="hexmap-config": static/js/hexmap.js)."""
    match = re.search(
        rf'<script id="{node}" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def page_map_features(client, html: str, z: int, points) -> list[dict]:
    """The hotspot features a map page's tiles (with its filters) hold at the points."""
    tilejson = client.get(tilemap_config(html)["hotspots"]).json()
    params = dict(parse_qsl(urlsplit(tilejson["tiles"][0]).query))
    return features(client, "hotspots", z, points, **params)
