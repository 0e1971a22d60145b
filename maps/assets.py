"""Folium (Leaflet) maps served with our own static files, never a CDN.

Folium's elements name their JavaScript/CSS by CDN URL; `render_parts` swaps every
one for the copy under /static/vendor/ (installed from the npm registry at set-up
time) and refuses to render an element whose asset we do not serve.
"""

import json
import re
from dataclasses import dataclass

import folium
from django.conf import settings
from django.templatetags.static import static
from folium.elements import JSCSSMixin
from jinja2 import Template

from . import basemap

# folium asset name -> our static path (None: not needed, dropped)
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "leaflet-heat.js": "vendor/leaflet.heat/leaflet-heat.js",
    "chx_basemap": "js/basemap.js",
    # Bootstrap, jQuery and awesome-markers serve folium's Marker icons and
    # popups styling; our maps draw circle markers and text-only popups.
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "awesome_rotate_css": None,
}


class ExternalAssetError(RuntimeError):
    """A map element wants a JS/CSS file we do not serve ourselves."""


@dataclass(frozen=True)
class MapParts:
    """The three pieces a page template places: <head> assets, the map div, the script."""

    header: str
    html: str
    script: str


def make_map(*, location=None, zoom_start=None, **kwargs) -> folium.Map:
    """Return a folium map centred on Huế with the configured base-map tiles."""
    fmap = folium.Map(
        location=location or list(settings.MAP_CENTER),
        zoom_start=zoom_start or settings.MAP_ZOOM,
        tiles=None,
        # folium's scale shows feet and miles too: BaseMap adds a metric one.
        control_scale=False,
        **kwargs,
    )
    raster = basemap.raster_url()
    if raster:
        folium.TileLayer(
            tiles=raster,
            attr=settings.MAP_TILE_ATTRIBUTION if basemap.mode() == "tiles" else "",
            name=str(_base_map_name()),
            max_zoom=19,
        ).add_to(fmap)
    BaseMap(basemap.fallback_config()).add_to(fmap)
    return fmap


class BaseMap(JSCSSMixin):
    """A metric-only scale and, without a tile server, our fallback base map
    (static/js/basemap.js) on a folium map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {%- if this.fallback %}
        if (window.chxBasemap) {
          window.chxBasemap.leaflet({{ this._parent.get_name() }}, {{ this.fallback }});
        }
        {%- endif %}
        {% endmacro %}"""
    )
    default_js = [("chx_basemap", "js/basemap.js")]

    def __init__(self, fallback: dict | None):
        super().__init__()
        self._name = "BaseMap"
        # JSON in an inline script: "<" escaped so no "</script>" can close it.
        self.fallback = (
            json.dumps(fallback, ensure_ascii=False).replace("<", "\\u003c")
            if fallback
            else ""
        )


def _base_map_name():
    from django.utils.translation import gettext_lazy as _

    return _("Bản đồ nền")


def localize(element) -> None:
    """Point the element and all its children at our static files (in place)."""
    for attr in ("default_js", "default_css"):
        assets = getattr(element, attr, None)
        if assets is None:
            continue
        local = []
        for name, url in assets:
            if name not in LOCAL_ASSETS:
                raise ExternalAssetError(
                    f"{type(element).__name__} needs {name} ({url})"
                )
            path = LOCAL_ASSETS[name]
            if path:
                local.append((name, static(path)))
        setattr(element, attr, local)
    for child in element._children.values():
        localize(child)


# An opening <script> or <style> tag without a nonce (folium writes them bare).
_INLINE_TAG = re.compile(r"<(script|style)\b(?![^>]*\bnonce=)", re.IGNORECASE)


def with_nonce(html: str, nonce: str) -> str:
    """Give every <script>/<style> tag of folium's output the page's CSP nonce.

    The Content-Security-Policy (CONTENT_SECURITY_POLICY in settings) runs no
    inline script or style without it. Folium's <script src> tags get it too:
    harmless, they are our own static files either way.
    """
    return _INLINE_TAG.sub(lambda m: f'<{m.group(1)} nonce="{nonce}"', html)


def render_parts(fmap: folium.Map) -> MapParts:
    """Render the map into parts for a page that has its own <html>."""
    localize(fmap)
    figure = fmap.get_root()
    figure.render()
    # folium's header carries its own viewport meta that forbids pinch-zoom
    # (user-scalable=no); our pages set their own, so it is dropped.
    header = re.sub(r"<meta name=\"viewport\"[^>]*>", "", figure.header.render())
    return MapParts(
        header=header,
        html=figure.html.render(),
        script=figure.script.render(),
    )
