/* The fallback base map: our boundaries, waterways and area names when there
 * is no tile server (maps.basemap, /maps/basemap.geojson).
 *
 *   chxBasemap.leaflet(map, cfg)    a Leaflet map (pinmap.js, folium's maps)
 *   chxBasemap.maplibre(map, cfg)   a MapLibre map (mapbase.js)
 *
 * cfg = {url, bands: [min zooms], attribution}. One GeoJSON per zoom band,
 * fetched again only when the band changes (the URL names the band's first
 * zoom, so the browser's cache holds one body a band). Labels are HTML text
 * (textContent: a name is never markup), not MapLibre symbols, so no glyph
 * files are needed and Vietnamese diacritics use the system's fonts.
 */
(function () {
  "use strict";

  var COLOURS = { province: "#2f4a38", district: "#4d6b57", commune: "#8aa394", water: "#4a90c2" };
  var WIDTHS = { province: 2.2, district: 1.3, commune: 0.8 };

  function bandOf(cfg, zoom) {
    var band = cfg.bands[0];
    cfg.bands.forEach(function (start) {
      if (zoom >= start) band = start;
    });
    return band;
  }

  function load(cfg, band, done) {
    var url = cfg.url + (cfg.url.indexOf("?") < 0 ? "?" : "&") + "zoom=" + band;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) done(data); })
      .catch(function () {});
  }

  function labelElement(props, language) {
    var span = document.createElement("span");
    span.className = "basemap-label basemap-label-" + String(props.level || "");
    span.setAttribute("data-testid", "basemap-label");
    span.textContent = (language === "en" && props.name_en) || props.name || "";
    return span;
  }

  function labelsOf(data) {
    return data.features.filter(function (f) { return f.properties.kind === "label"; });
  }

  /* Leaflet (zoom counts 256-px tiles, as the bands do). */
  function leaflet(map, cfg) {
    if (!map.getPane("basemap")) {
      map.createPane("basemap").style.zIndex = 250; // above tiles, below overlays
      var pane = map.createPane("basemapLabels");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";
    }
    var lines = null, labels = null, shown = null;
    if (map.attributionControl) map.attributionControl.addAttribution(cfg.attribution);
    function draw() {
      var band = bandOf(cfg, map.getZoom());
      if (band === shown) return;
      shown = band;
      load(cfg, band, function (data) {
        if (band !== shown) return;
        if (lines) map.removeLayer(lines);
        if (labels) map.removeLayer(labels);
        lines = L.geoJSON(data, {
          pane: "basemap",
          interactive: false,
          filter: function (f) { return f.properties.kind !== "label"; },
          style: function (f) {
            var p = f.properties;
            if (p.kind === "water") return { color: COLOURS.water, weight: 3, opacity: 0.8 };
            return { color: COLOURS[p.level] || COLOURS.commune, weight: WIDTHS[p.level] || 0.8, fill: false, opacity: 0.8 };
          },
        });
        labels = L.layerGroup(labelsOf(data).map(function (f) {
          var c = f.geometry.coordinates;
          return L.marker([c[1], c[0]], {
            pane: "basemapLabels",
            interactive: false,
            keyboard: false,
            icon: L.divIcon({ className: "basemap-label-icon", html: labelElement(f.properties, cfg.language), iconSize: null }),
          });
        }));
        lines.addTo(map);
        labels.addTo(map);
      });
    }
    map.on("zoomend", draw);
    draw();
  }

  /* MapLibre (zoom counts 512-px tiles: one less than the bands'). */
  function maplibre(map, cfg) {
    var shown = null, markers = [];
    function bandNow() { return bandOf(cfg, map.getZoom() + 1); }
    function place(data) {
      markers.forEach(function (m) { m.remove(); });
      markers = labelsOf(data).map(function (f) {
        var element = labelElement(f.properties, cfg.language);
        // Not a button (MapLibre's default role for a marker): a name on the map.
        element.setAttribute("role", "img");
        element.setAttribute("aria-label", element.textContent);
        return new maplibregl.Marker({ element: element })
          .setLngLat(f.geometry.coordinates)
          .addTo(map);
      });
    }
    function draw() {
      var band = bandNow();
      if (band === shown) return;
      shown = band;
      load(cfg, band, function (data) {
        if (band !== shown) return;
        var lines = { type: "FeatureCollection", features: data.features.filter(function (f) { return f.properties.kind !== "label"; }) };
        var source = map.getSource("fallback");
        if (source) source.setData(lines);
        else {
          map.addSource("fallback", { type: "geojson", data: lines, attribution: cfg.attribution });
          var before = map.getLayer("areas") ? "areas" : undefined;
          map.addLayer({
            id: "fallback-water", type: "line", source: "fallback",
            filter: ["==", ["get", "kind"], "water"],
            paint: { "line-color": COLOURS.water, "line-width": 3, "line-opacity": 0.8 },
          }, before);
          map.addLayer({
            id: "fallback-areas", type: "line", source: "fallback",
            filter: ["==", ["get", "kind"], "area"],
            paint: {
              "line-color": ["match", ["get", "level"], "province", COLOURS.province, "district", COLOURS.district, COLOURS.commune],
              "line-width": ["match", ["get", "level"], "province", WIDTHS.province, "district", WIDTHS.district, WIDTHS.commune],
              "line-opacity": 0.8,
            },
          }, before);
        }
        place(data);
      });
    }
    if (map.loaded()) draw();
    else map.on("load", draw);
    map.on("zoomend", draw);
  }

  window.chxBasemap = { leaflet: leaflet, maplibre: maplibre, bandOf: bandOf };
})();
