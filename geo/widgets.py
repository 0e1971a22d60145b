"""The admin's geometry editor with OpenLayers from our own static files."""

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget


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
            "tile_url": settings.MAP_TILE_URL,
            "module": context["module"],
        }
        return context
