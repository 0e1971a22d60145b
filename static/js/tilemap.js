/* The public hotspot map on vector tiles (MapLibre GL JS, served from /static/vendor/).
 *
 * Configuration comes from the page as JSON (<script id="tilemap-config">): the
 * TileJSON URLs (the page's filters are already in the hotspot one: tiles are
 * filtered on the server by the same django-filter definitions as the page),
 * the base-map tile URL (optional: without it the map still works), labels in
 * the page's language and the category colours.
 *
 * Popups are built from text nodes (textContent), never from HTML strings:
 * descriptions and titles come from residents. Thumbnails are shown only from
 * this site's own origin.
 */
(function () {
  "use strict";

  var holder = document.getElementById("tilemap");
  var configNode = document.getElementById("tilemap-config");
  if (!holder || !configNode || typeof maplibregl === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels;

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

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  function idUrl(template, id) {
    // Templates end in /0/ (reverse() with a placeholder id); ids are integers.
    return template.replace(/\/0\/$/, "/" + String(Math.trunc(Number(id))) + "/");
  }

  function categoryColour() {
    var expression = ["match", ["get", "category"]];
    Object.keys(config.colours).forEach(function (key) {
      expression.push(key, config.colours[key]);
    });
    expression.push(config.default_colour);
    return expression;
  }

  var sources = {
    hotspots: { type: "vector", url: config.hotspots },
  };
  var layers = [
    { id: "background", type: "background", paint: { "background-color": "#eef2ee" } },
  ];
  if (config.basemap) {
    sources.basemap = {
      type: "raster",
      tiles: [config.basemap.tiles],
      tileSize: 256,
      maxzoom: 19,
      attribution: config.basemap.attribution,
    };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  if (config.areas) {
    sources.areas = { type: "vector", url: config.areas };
    layers.push({
      id: "areas",
      type: "line",
      source: "areas",
      "source-layer": "areas",
      filter: ["==", ["get", "level"], config.area_level],
      paint: { "line-color": "#3d5a47", "line-width": 1.2, "line-opacity": 0.7 },
    });
  }
  layers.push(
    {
      id: "hotspot-blocks",
      type: "circle",
      source: "hotspots",
      "source-layer": "hotspots",
      filter: ["has", "count"],
      paint: {
        "circle-color": "#1b7f3b",
        "circle-opacity": 0.55,
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 1,
        // Blocks are 16 px apart (32 to a 512 px tile): radii stay below 8 px.
        "circle-radius": [
          "interpolate", ["linear"], ["log10", ["get", "count"]],
          0, 3, 1, 4.5, 2, 6, 3, 7.5,
        ],
      },
    },
    {
      id: "hotspot-points",
      type: "circle",
      source: "hotspots",
      "source-layer": "hotspots",
      filter: ["!", ["has", "count"]],
      layout: { "circle-sort-key": ["get", "score"] },
      paint: {
        "circle-color": categoryColour(),
        "circle-opacity": ["match", ["get", "status"], "cleaned", 0.4, 0.85],
        "circle-radius": [
          "interpolate", ["linear"], ["get", "score"], 0, 5, 60, 8, 150, 12,
        ],
        "circle-stroke-color": [
          "case",
          ["get", "priority"], "#d00000",
          ["match", ["get", "status"],
            "cleaned", config.status_colours.cleaned,
            "reopened", config.status_colours.reopened,
            config.status_colours.verified],
        ],
        "circle-stroke-width": ["case", ["get", "priority"], 3, 2],
      },
    }
  );

  var map = new maplibregl.Map({
    container: holder,
    style: { version: 8, sources: sources, layers: layers },
    center: config.center,
    zoom: config.zoom,
    maxBounds: config.max_bounds,
    attributionControl: { compact: true },
    cooperativeGestures: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl(), "bottom-left");
  // Tests and the curious reach the map here.
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

  ["hotspot-points", "hotspot-blocks"].forEach(function (layer) {
    map.on("mouseenter", layer, function () {
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", layer, function () {
      map.getCanvas().style.cursor = "";
    });
  });

  function addDetails(box, id) {
    fetch(idUrl(config.detail_api, id), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (feature) {
        if (!feature) return;
        var props = feature.properties || {};
        var photo = (props.photos || [])[0];
        if (photo && photo.thumbnail_url && sameOrigin(photo.thumbnail_url)) {
          var img = document.createElement("img");
          img.className = "map-thumb";
          img.alt = fill(labels.photo_alt, { id: id });
          img.src = photo.thumbnail_url;
          box.insertBefore(img, box.firstChild);
        }
        if (props.created_at) {
          var day = new Intl.DateTimeFormat(config.language, {
            timeZone: config.time_zone,
            day: "2-digit",
            month: "2-digit",
            year: "numeric",
          }).format(new Date(props.created_at));
          box.insertBefore(text("p", fill(labels.reported_on, { day: day })), box.lastChild);
        }
        if (props.description) {
          var description = String(props.description);
          if (description.length > 80) description = description.slice(0, 79) + "…";
          box.insertBefore(text("p", description, "map-popup-description"), box.lastChild);
        }
      })
      .catch(function () {});
  }

  map.on("click", "hotspot-points", function (event) {
    var feature = event.features[0];
    var props = feature.properties;
    var box = document.createElement("div");
    box.className = "map-popup";
    box.setAttribute("data-testid", "map-popup");
    box.appendChild(
      text("strong", "#" + props.id + " · " + (labels.categories[props.category] || ""))
    );
    box.appendChild(
      text(
        "p",
        (labels.sizes[props.size] || props.size) + " · " + (labels.statuses[props.status] || "")
      )
    );
    if (props.priority) box.appendChild(text("p", labels.priority, "map-popup-priority"));
    var link = text("a", labels.details);
    link.href = idUrl(config.detail_page, props.id);
    var last = document.createElement("p");
    last.appendChild(link);
    box.appendChild(last);
    new maplibregl.Popup({ maxWidth: "16rem" })
      .setLngLat(feature.geometry.coordinates)
      .setDOMContent(box)
      .addTo(map);
    addDetails(box, props.id);
  });

  map.on("click", "hotspot-blocks", function (event) {
    var feature = event.features[0];
    var box = document.createElement("div");
    box.className = "map-popup";
    box.setAttribute("data-testid", "map-popup");
    box.appendChild(text("p", fill(labels.block, { n: feature.properties.count })));
    new maplibregl.Popup({ maxWidth: "16rem" })
      .setLngLat(feature.geometry.coordinates)
      .setDOMContent(box)
      .addTo(map);
    map.easeTo({ center: feature.geometry.coordinates, zoom: map.getZoom() + 2 });
  });
})();
