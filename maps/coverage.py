"""Coverage choropleth from plain data: metrics, classes, colours, layer, legend.

No ORM here: views pass `AreaMetrics` rows (maps.rows, from
maps.selectors.area_metrics) and each area's simplified outline as a GeoJSON dict.
"""

import dataclasses
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import folium
import mapclassify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .layers import safe_popup_text
from .rows import AreaMetrics

# Metric key (an AreaMetrics field) -> label, in the table's column order.
METRICS: dict[str, object] = {
    "hotspots_reported": gettext_lazy("Điểm nóng báo cáo"),
    "hotspots_verified": gettext_lazy("Đã xác minh"),
    "hotspots_priority": gettext_lazy("Ưu tiên"),
    "hotspots_cleaned": gettext_lazy("Đã thu gom"),
    "priority_cleaned_share": gettext_lazy("Tỉ lệ điểm ưu tiên đã thu gom"),
    "events": gettext_lazy("Sự kiện"),
    "verified_kg": gettext_lazy("Khối lượng xác nhận (kg)"),
    "participants": gettext_lazy("Lượt người tham gia"),
    "active_entrants": gettext_lazy("Đội thi hoạt động"),
}
DEFAULT_METRIC = "events"
MAX_CLASSES = 5
# ColorBrewer YlGn (sequential, colour-blind safe): more = greener.
PALETTE = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
NO_DATA_COLOUR = "#d9d9d9"
OUTLINE_COLOUR = "#1d2b22"


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (ascending) and the colour of each class."""

    bins: tuple[float, ...]
    colours: tuple[str, ...]
    minimum: float | None = None

    def colour_for(self, value: float | None) -> str:
        if value is None:
            return NO_DATA_COLOUR
        for upper, colour in zip(self.bins, self.colours, strict=True):
            if value <= upper:
                return colour
        return self.colours[-1] if self.colours else NO_DATA_COLOUR


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str


def metric_value(row, metric: str) -> float | None:
    """Return a row's value for a metric as a float (None: no value)."""
    value = getattr(row, metric)
    if value is None:
        return None
    return float(value)


def classify(values: Iterable[float | None], *, k: int = MAX_CLASSES) -> Classes:
    """Return classes for the values: Fisher–Jenks natural breaks, k ≤ 5.

    With k or fewer distinct values each value is its own class (Fisher–Jenks
    needs more values than classes); no values at all gives no classes.
    """
    present = [v for v in values if v is not None and math.isfinite(v)]
    distinct = sorted(set(present))
    if not distinct:
        return Classes(bins=(), colours=())
    k = max(1, min(k, MAX_CLASSES))
    if len(distinct) <= k:
        bins = tuple(distinct)
    else:
        # Deterministic (unlike NaturalBreaks' k-means start): same data, same map.
        with warnings.catch_warnings():
            # "Numba not installed": the pure-Python path is fast for a few
            # hundred areas.
            warnings.simplefilter("ignore", UserWarning)
            breaks = mapclassify.FisherJenks(present, k=k)
        bins = tuple(float(b) for b in breaks.bins)
    return Classes(bins=bins, colours=palette(len(bins)), minimum=distinct[0])


def palette(n: int) -> tuple[str, ...]:
    """Return n colours spread over the palette, lightest first."""
    if n <= 0:
        return ()
    if n == 1:
        return (PALETTE[-1],)
    step = (len(PALETTE) - 1) / (n - 1)
    return tuple(PALETTE[round(i * step)] for i in range(n))


def format_value(value, metric: str) -> str:
    """Return a value as people read it (Vietnamese: a comma before decimals)."""
    if value is None:
        return "—"
    if metric == "priority_cleaned_share":
        return f"{round(float(value) * 100)} %"
    if isinstance(value, Decimal | float):
        text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", " ").replace(".", ",")
    return f"{value:,}".replace(",", " ")


def legend(classes: Classes, metric: str) -> list[LegendItem]:
    """Return one legend line per class, and one for areas without a value."""
    items = []
    lower = classes.minimum
    for index, (upper, colour) in enumerate(
        zip(classes.bins, classes.colours, strict=True)
    ):
        if index == 0 and lower is not None and lower == upper:
            label = format_value(_as(upper, metric), metric)
        elif index == 0:
            label = f"{format_value(_as(lower, metric), metric)} – {format_value(_as(upper, metric), metric)}"
        else:
            previous = classes.bins[index - 1]
            label = f"> {format_value(_as(previous, metric), metric)} – {format_value(_as(upper, metric), metric)}"
        items.append(LegendItem(colour, label))
    items.append(LegendItem(NO_DATA_COLOUR, _("Không có số liệu")))
    return items


def _as(value: float, metric: str):
    # Counts are whole numbers; class bounds from Fisher–Jenks are too for counts.
    if metric in ("verified_kg", "priority_cleaned_share"):
        return value
    return int(value) if float(value).is_integer() else value


def row_properties(row) -> dict:
    """Return a row as JSON-ready properties (kg as a number with 2 decimals)."""
    props = dataclasses.asdict(row)
    props["verified_kg"] = float(row.verified_kg)
    if row.priority_cleaned_share is not None:
        props["priority_cleaned_share"] = round(row.priority_cleaned_share, 4)
    return props


def feature_collection(rows: Sequence, outlines: Mapping[int, dict | None]) -> dict:
    """Return a GeoJSON FeatureCollection: one feature per row, its outline as geometry."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row.area_id,
                "geometry": outlines.get(row.area_id),
                "properties": row_properties(row),
            }
            for row in rows
        ],
    }


def choropleth_layer(
    rows: Sequence, outlines: Mapping[int, dict | None], *, metric: str
) -> tuple[folium.GeoJson, Classes]:
    """Return the choropleth layer of the metric and its classes.

    Tooltips show the area's name and all its numbers, escaped (folium's
    GeoJsonTooltip puts property values into the page as HTML).
    """
    values = [metric_value(row, metric) for row in rows]
    classes = classify(values)
    features = []
    for row, value in zip(rows, values, strict=True):
        geometry = outlines.get(row.area_id)
        if geometry is None:
            continue
        properties = {
            "fill": classes.colour_for(value),
            "name": safe_popup_text(row.name),
            "value": safe_popup_text(format_value(getattr(row, metric), metric)),
        }
        for key in METRICS:
            if key != metric:
                properties[key] = safe_popup_text(format_value(getattr(row, key), key))
        features.append(
            {"type": "Feature", "geometry": geometry, "properties": properties}
        )
    others = [key for key in METRICS if key != metric]
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=str(METRICS[metric]),
        style_function=lambda feature: {
            "color": OUTLINE_COLOUR,
            "weight": 1,
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": 0.75,
        },
        highlight_function=lambda _f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "value", *others],
            aliases=[
                safe_popup_text(_("Địa bàn")),
                safe_popup_text(str(METRICS[metric])),
                *[safe_popup_text(str(METRICS[key])) for key in others],
            ],
            sticky=False,
        ),
    )
    return layer, classes


def top_areas(rows: Iterable[AreaMetrics], *, n: int) -> list[AreaMetrics]:
    """Return the n areas with most reports (then most verified kg, then by name)."""
    ranked = sorted(
        rows, key=lambda m: (-m.hotspots_reported, -float(m.verified_kg), m.name)
    )
    return ranked[:n]


def bounds(outlines: Iterable[dict | None]) -> list[list[float]] | None:
    """Return [[south, west], [north, east]] around GeoJSON (Multi)Polygons."""
    lons: list[float] = []
    lats: list[float] = []
    for geometry in outlines:
        if not geometry:
            continue
        for lon, lat in _coordinates(geometry["coordinates"]):
            lons.append(lon)
            lats.append(lat)
    if not lons:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _coordinates(nested):
    if nested and isinstance(nested[0], int | float):
        yield nested[0], nested[1]
        return
    for part in nested:
        yield from _coordinates(part)
