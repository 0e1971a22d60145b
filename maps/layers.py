"""Map layers built from plain data (maps.rows, maps.markers; no ORM here)."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

import folium
from django.utils.html import escape
from django.utils.translation import gettext as _

from .rows import AreaShape


def area_layer(areas: Iterable[AreaShape]) -> folium.GeoJson:
    """Return a GeoJSON layer of administrative areas with text-only tooltips."""
    features = [
        {
            "type": "Feature",
            "geometry": area.outline,
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
    """What a hotspot marker needs, as plain data (maps.markers builds these)."""

    lon: float
    lat: float
    category: str
    score: float
    priority: bool = False
    lines: tuple[str, ...] = ()  # plain text, one tooltip line each, escaped here
    # The public map also styles the status and shows a thumbnail.
    status: str = ""
    thumbnail_url: str = ""  # our own media URL (a path), or ""
    thumbnail_alt: str = ""


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


# --- public map, heat and team coverage (maps.public_views) --------------------


def popup_html(
    lines: Iterable[str], *, thumbnail_url: str = "", thumbnail_alt: str = ""
) -> str:
    """Return tooltip/popup HTML made of escaped text and at most one <img>.

    Every string goes through safe_popup_text. The image is kept only when its
    URL is a path on this site (our media URL), never another origin or scheme.
    """
    parts = []
    if thumbnail_url.startswith("/") and not thumbnail_url.startswith("//"):
        parts.append(
            '<img class="map-thumb" src="'
            + safe_popup_text(thumbnail_url)
            + '" alt="'
            + safe_popup_text(thumbnail_alt)
            + '" width="96" height="72">'
        )
    text = "<br>".join(safe_popup_text(line) for line in lines)
    if text:
        parts.append(text)
    return "".join(parts)


def heat_layer(points: Iterable[tuple[float, float, float]], *, name: str):
    """Return a HeatMap of (lon, lat, weight) points, weights scaled to 0..1.

    Leaflet.heat saturates at `max` (1.0): scaling by the heaviest point keeps
    the picture relative whatever the unit. Coordinates are rounded to 5
    decimals (~1 m) to keep the page small.
    """
    from folium.plugins import HeatMap

    points = list(points)
    heaviest = max((weight for _lon, _lat, weight in points), default=0.0) or 1.0
    data = [
        [round(lat, 5), round(lon, 5), round(weight / heaviest, 4)]
        for lon, lat, weight in points
    ]
    return HeatMap(data, name=name, radius=18, blur=15, min_opacity=0.3, max_zoom=14)


@dataclass(frozen=True)
class EventShape:
    """A cleanup event on the team coverage map, as plain data."""

    lon: float
    lat: float
    outline: dict | None = None  # GeoJSON geometry
    route: dict | None = None  # GeoJSON geometry
    lines: tuple[str, ...] = ()  # plain text, escaped here


EVENT_COLOUR = "#1b7f3b"


def event_layer(events: Iterable[EventShape]) -> folium.FeatureGroup:
    """Return the events as points, with their outlines and routes, text tooltips."""
    group = folium.FeatureGroup(name=_("Sự kiện thu gom"))
    style = {"color": EVENT_COLOUR, "weight": 3, "fillOpacity": 0.25}
    for event in events:
        text = popup_html(event.lines)
        for geometry in (event.outline, event.route):
            if geometry is not None:
                folium.GeoJson(
                    geometry,
                    style_function=lambda _f, style=style: style,
                    tooltip=folium.Tooltip(text) if text else None,
                ).add_to(group)
        folium.CircleMarker(
            location=[event.lat, event.lon],
            radius=8,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=EVENT_COLOUR,
            fill_opacity=0.95,
            class_name="event-marker",
            tooltip=folium.Tooltip(text) if text else None,
        ).add_to(group)
    return group


def shape_bounds(points: Iterable[tuple[float, float]]) -> list[list[float]] | None:
    """Return [[south, west], [north, east]] around (lon, lat) points."""
    points = list(points)
    if not points:
        return None
    lons = [lon for lon, _lat in points]
    lats = [lat for _lon, lat in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
