"""Driving our MapLibre maps (static/js/mapbase.js: tilemap.js, hexmap.js) in a test.

A page keeps its map on the container (`#tilemap`.tileMap on /maps/, `#hexmap`
on the hexagon page): tests read what MapLibre drew from the tiles
(queryRenderedFeatures) and tap where a feature is.
"""

MAP = "document.getElementById(holder).tileMap"


def wait_for_map(page, holder: str = "tilemap") -> None:
    """Wait until the map has its style and every tile in view (vector and base)."""
    page.wait_for_function(
        f"(holder) => {{ const m = {MAP};"
        " return m && m.isStyleLoaded() && m.areTilesLoaded() && !m.isMoving(); }",
        arg=holder,
        timeout=20_000,
    )


def look_at(page, lon: float, lat: float, zoom: float, holder: str = "tilemap") -> None:
    page.evaluate(
        f"([lon, lat, zoom, holder]) => {MAP}.jumpTo({{center: [lon, lat], zoom}})",
        [lon, lat, zoom, holder],
    )
    page.wait_for_timeout(100)
    wait_for_map(page, holder)


def rendered(page, layer: str, holder: str = "tilemap") -> list[dict]:
    """The features MapLibre drew from the tiles (their properties)."""
    return page.evaluate(
        f"([layer, holder]) => {MAP}"
        ".queryRenderedFeatures({layers: [layer]}).map(f => f.properties)",
        [layer, holder],
    )


def click_at(page, lon: float, lat: float, holder: str = "tilemap") -> None:
    container = page.locator("#" + holder)
    container.scroll_into_view_if_needed()
    point = page.evaluate(
        f"([lon, lat, holder]) => {MAP}.project([lon, lat])", [lon, lat, holder]
    )
    box = container.bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    if page.viewport_size["width"] < 500:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
