// Starts Django's admin geometry editor (gis/js/OLMapWidget.js) from the options
// geo/templates/geo/openlayers-local.html puts in the page as JSON: the
// Content-Security-Policy runs no inline script, so the widget's own is gone.
"use strict";
(function () {
  function start(wrapper) {
    const holder = document.getElementById(wrapper.dataset.olwidget);
    if (!holder || wrapper.dataset.olwidgetStarted) return;
    wrapper.dataset.olwidgetStarted = "1";
    const options = JSON.parse(holder.textContent);
    // No tile server (MAP_BASEMAP): an empty layer, never Django's default OSM.
    options.base_layer = options.tile_url
      ? new ol.layer.Tile({ source: new ol.source.XYZ({ url: options.tile_url }) })
      : new ol.layer.Tile();
    // The name Django's inline script gave the widget (other scripts may use it).
    window[options.module] = new MapWidget(options);
    window[options.module].map.addControl(new ol.control.ScaleLine({ units: "metric" }));
  }
  function startAll() {
    document.querySelectorAll("[data-olwidget]").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
