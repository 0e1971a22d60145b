"""Driving the vector-tile map (static/js/tilemap.js, MapLibre GL JS) in a test.

The page keeps its map on the container (`#tilemap`.tileMap): tests read what
MapLibre drew from the tiles (queryRenderedFeatures) and tap where a hotspot is.
"""


def wait_for_map(page) -> None:
    """Wait until the map has its style and every tile in view (vector and base)."""
    page.wait_for_function(
        "() => { const m = document.getElementById('tilemap').tileMap;"
        " return m && m.isStyleLoaded() && m.areTilesLoaded() && !m.isMoving(); }",
        timeout=20_000,
    )


def look_at(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate(
        "([lon, lat, zoom]) => document.getElementById('tilemap')"
        ".tileMap.jumpTo({center: [lon, lat], zoom})",
        [lon, lat, zoom],
    )
    page.wait_for_timeout(100)
    wait_for_map(page)


def rendered(page, layer: str) -> list[dict]:
    """The features MapLibre drew from the tiles (their properties)."""
    return page.evaluate(
        "(layer) => document.getElementById('tilemap').tileMap"
        ".queryRenderedFeatures({layers: [layer]}).map(f => f.properties)",
        layer,
    )


def click_at(page, lon: float, lat: float) -> None:
    page.locator("#tilemap").scroll_into_view_if_needed()
    point = page.evaluate(
        "([lon, lat]) => document.getElementById('tilemap').tileMap.project([lon, lat])",
        [lon, lat],
    )
    box = page.locator("#tilemap").bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    if page.viewport_size["width"] < 500:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
