"""Map layers built from data the views give (no ORM queries here)."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

import folium
from django.utils.html import escape
from django.utils.translation import gettext as _

from geo.models import AdminArea


def area_layer(areas: list[AdminArea]) -> folium.GeoJson:
    """Return a GeoJSON layer of administrative areas with text-only tooltips.

    Each area needs `outline` (see geo.selectors.area_outlines).
    """
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(area.outline.json),
            "properties": {
                # folium's tooltip sets innerHTML: escape every value.
                "name": escape(area.name),
                "code": escape(area.code),
                "approximate": _("gần đúng") if area.approximate else "",
            },
        }
        for area in areas
    ]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_("Đơn vị hành chính"),
        style_function=lambda _f: {
            "color": "#1b7f3b",
            "weight": 2,
            "fillColor": "#7bc96f",
            "fillOpacity": 0.15,
            "dashArray": "5 4",
        },
        highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "code", "approximate"],
            aliases=[escape(_("Tên")), escape(_("Mã")), ""],
        ),
    )


def point_layer(location, *, outline=None) -> folium.FeatureGroup:
    """Return a layer marking one place (and its outline, if any), no popups."""
    group = folium.FeatureGroup(name=_("Vị trí"))
    if outline is not None:
        folium.GeoJson(
            json.loads(outline.json),
            style_function=lambda _f: {
                "color": "#c0392b",
                "weight": 2,
                "fillOpacity": 0.2,
            },
        ).add_to(group)
    folium.CircleMarker(
        location=[location.y, location.x],
        radius=9,
        color="#c0392b",
        weight=3,
        fill=True,
        fill_color="#e74c3c",
        fill_opacity=0.8,
    ).add_to(group)
    return group


# Marker fill per hotspot category (keys are hotspots.models.Category values):
# the Okabe–Ito palette, told apart by people with the common colour-vision
# deficiencies, on both light tiles and the light page background.
CATEGORY_COLOURS: dict[str, str] = {
    "plastic": "#0072b2",
    "water_hyacinth": "#009e73",
    "household": "#e69f00",
    "construction": "#8c6d31",
    "hazardous": "#cc79a7",
    "other": "#7f7f7f",
}
DEFAULT_COLOUR = "#7f7f7f"
PRIORITY_OUTLINE = "#d00000"
MARKER_OUTLINE = "#1d2b22"


def category_colour(category: str) -> str:
    """Return the marker colour of a hotspot category (grey for an unknown one)."""
    return CATEGORY_COLOURS.get(category, DEFAULT_COLOUR)


def safe_popup_text(text: str) -> str:
    """Return text that shows as itself in a folium popup or tooltip.

    folium pastes popup/tooltip content unescaped into a JavaScript template
    literal (`...`) whose result Leaflet sets as innerHTML. So: HTML-escape, then
    make the literal's own syntax inert as HTML character references — a backtick
    would end the literal, "${" would run code, and a backslash could start an
    escape that is a syntax error in a template literal (\\u, \\x, \\0...).
    """
    return (
        str(escape(text))
        .replace("\\", "&#92;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
    )


@dataclass(frozen=True)
class HotspotMarker:
    """What a hotspot marker needs, as plain data (views build these)."""

    lon: float
    lat: float
    category: str
    score: float
    priority: bool = False
    lines: tuple[str, ...] = ()  # plain text, one tooltip line each, escaped here


def marker_radius(score: float) -> float:
    """Return a marker's radius in screen pixels: 6 px, growing with the square
    root of the score (so the area grows with it), at most 20 px."""
    return round(min(6 + 1.5 * math.sqrt(max(score, 0.0)), 20.0), 1)


def hotspot_layer(markers: Iterable[HotspotMarker]) -> folium.FeatureGroup:
    """Return a layer with one circle marker per hotspot and text-only tooltips.

    Colour by category, radius by score, a thick red outline for priority
    hotspots. Tooltips, not folium popups: folium's Popup needs jQuery, which
    maps.assets does not serve. Leaflet opens a tooltip on tap as well as hover.
    """
    group = folium.FeatureGroup(name=_("Điểm nóng"))
    for marker in markers:
        text = "<br>".join(safe_popup_text(line) for line in marker.lines)
        folium.CircleMarker(
            location=[marker.lat, marker.lon],
            radius=marker_radius(marker.score),
            color=PRIORITY_OUTLINE if marker.priority else MARKER_OUTLINE,
            weight=4 if marker.priority else 1,
            fill=True,
            fill_color=category_colour(marker.category),
            fill_opacity=0.85,
            class_name="hotspot-marker"
            + (" hotspot-marker-priority" if marker.priority else ""),
            tooltip=folium.Tooltip(text) if text else None,
        ).add_to(group)
    return group


def marker_bounds(markers: Iterable[HotspotMarker]) -> list[list[float]] | None:
    """Return [[south, west], [north, east]] around the markers (Leaflet order)."""
    lats, lons = [], []
    for marker in markers:
        lats.append(marker.lat)
        lons.append(marker.lon)
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
