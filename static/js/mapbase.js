/* What our MapLibre maps share (static/js/tilemap.js for /maps/, hexmap.js for
 * /maps/hexagons/): the map with its background, base map and area outlines,
 * its controls, and popups built from text nodes.
 *
 * A page's configuration (JSON from maps.public_map.map_frame_config and the
 * page's own keys) gives the base-map tile URL (optional: without it the map
 * still works), the areas' TileJSON, where to look (centre and zoom, or the
 * bounds of the data) and how far one may pan.
 *
 * Popups are built from text nodes (textContent), never from HTML strings:
 * titles and descriptions come from residents.
 */
(function () {
  "use strict";

  if (typeof maplibregl === "undefined") return;

  function config(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  function idUrl(template, id) {
    // Templates end in /0/ (reverse() with a placeholder id); ids are integers.
    return template.replace(/\/0\/$/, "/" + String(Math.trunc(Number(id))) + "/");
  }

  function popupBox() {
    var box = document.createElement("div");
    box.className = "map-popup";
    box.setAttribute("data-testid", "map-popup");
    return box;
  }

  function openPopup(map, lngLat, box) {
    return new maplibregl.Popup({ maxWidth: "16rem" })
      .setLngLat(lngLat)
      .setDOMContent(box)
      .addTo(map);
  }

  function pointer(map, layers) {
    layers.forEach(function (layer) {
      map.on("mouseenter", layer, function () {
        map.getCanvas().style.cursor = "pointer";
      });
      map.on("mouseleave", layer, function () {
        map.getCanvas().style.cursor = "";
      });
    });
  }

  /* Return the map in `holder`: the shared layers first, then the page's
   * `sources` and `layers` on top. Tests and the curious reach it as
   * holder.tileMap. */
  function create(holder, options, sources, layers) {
    var allSources = {};
    var allLayers = [
      { id: "background", type: "background", paint: { "background-color": "#eef2ee" } },
    ];
    if (options.basemap) {
      allSources.basemap = {
        type: "raster",
        tiles: [options.basemap.tiles],
        tileSize: 256,
        maxzoom: 19,
        attribution: options.basemap.attribution,
      };
      allLayers.push({ id: "basemap", type: "raster", source: "basemap" });
    }
    if (options.areas) {
      allSources.areas = { type: "vector", url: options.areas };
      allLayers.push({
        id: "areas",
        type: "line",
        source: "areas",
        "source-layer": "areas",
        filter: ["==", ["get", "level"], options.area_level],
        paint: { "line-color": "#3d5a47", "line-width": 1.2, "line-opacity": 0.7 },
      });
    }
    Object.keys(sources).forEach(function (name) {
      allSources[name] = sources[name];
    });
    var view = {
      container: holder,
      style: { version: 8, sources: allSources, layers: allLayers.concat(layers) },
      maxBounds: options.max_bounds,
      attributionControl: { compact: true },
      cooperativeGestures: false,
    };
    if (options.bounds) {
      view.bounds = options.bounds;
      view.fitBoundsOptions = { padding: 24, maxZoom: options.fit_max_zoom || 14 };
    } else {
      view.center = options.center;
      view.zoom = options.zoom;
    }
    var map = new maplibregl.Map(view);
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    if (options.fallback && window.chxBasemap) window.chxBasemap.maplibre(map, options.fallback);
    holder.tileMap = map;
    // A base-map tile that fails (an offline tile server) leaves our layers
    // drawn; say so once in the console instead of once per tile.
    var warned = false;
    map.on("error", function (event) {
      if (!warned && window.console) {
        warned = true;
        window.console.warn("map:", event && event.error && event.error.message);
      }
    });
    return map;
  }

  /* A control with one checkbox a group of layers: [{label, layers: [ids]}]. */
  function layerSwitcher(map, title, groups) {
    var box;
    return {
      onAdd: function () {
        box = document.createElement("details");
        box.className = "maplibregl-ctrl maplibregl-ctrl-group map-layers";
        box.setAttribute("data-testid", "map-layers");
        box.appendChild(text("summary", title));
        groups.forEach(function (group) {
          var label = document.createElement("label");
          var input = document.createElement("input");
          input.type = "checkbox";
          input.checked = true;
          input.addEventListener("change", function () {
            group.layers.forEach(function (layer) {
              if (map.getLayer(layer)) {
                map.setLayoutProperty(layer, "visibility", input.checked ? "visible" : "none");
              }
            });
          });
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + group.label));
          box.appendChild(label);
        });
        return box;
      },
      onRemove: function () {
        if (box && box.parentNode) box.parentNode.removeChild(box);
      },
    };
  }

  window.chxMap = {
    config: config,
    text: text,
    fill: fill,
    idUrl: idUrl,
    popupBox: popupBox,
    openPopup: openPopup,
    pointer: pointer,
    create: create,
    layerSwitcher: layerSwitcher,
  };
})();
