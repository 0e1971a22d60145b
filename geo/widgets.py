"""The admin's geometry editor with OpenLayers from our own static files."""

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget
from django.urls import reverse


def _tile_url() -> str:
    """Return the raster tiles under the editor ("" without a tile server).

    The same rule as maps.basemap.mode() (geo imports no other app of ours):
    MAP_BASEMAP, or "tiles" when MAP_TILE_URL is set.
    """
    mode = settings.MAP_BASEMAP or ("tiles" if settings.MAP_TILE_URL else "fallback")
    if mode == "tiles":
        return settings.MAP_TILE_URL
    if mode == "mbtiles":
        return reverse("maps:basemap-tile", args=[0, 0, 0]).replace(
            "0/0/0", "{z}/{x}/{y}"
        )
    return ""


class LocalOSMWidget(OSMWidget):
    """Django's OSM widget without its inline <script> (the Content-Security-Policy
    runs none): the map's options go into the page as JSON, and
    static/js/olwidget.js starts the editor from them."""

    template_name = "geo/openlayers-local.html"

    class Media:
        extend = False  # drop the parent's CDN copies of OpenLayers
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "js/olwidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["olwidget_id"] = f"{context['id']}_olwidget"
        context["olwidget_options"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            "tile_url": _tile_url(),
            "module": context["module"],
        }
        return context
