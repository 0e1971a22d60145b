"""Map layers built from data the views give (no ORM queries here)."""

import json

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
