"""The admin's geometry editor with OpenLayers from our own static files."""

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget


class LocalOSMWidget(OSMWidget):
    template_name = "geo/openlayers-local.html"

    class Media:
        extend = False  # drop the parent's CDN copies of OpenLayers
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["tile_url"] = settings.MAP_TILE_URL
        return context
