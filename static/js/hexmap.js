/* The hexagon coverage map on vector tiles (MapLibre GL JS, on static/js/mapbase.js).
 *
 * Configuration comes from the page as JSON (<script id="hexmap-config">,
 * maps.hexagon_map.hexmap_config): the hexagon layer's TileJSON (campaign and
 * resolution already in it), the gaps and Gi* APIs to fetch (absent when there
 * is nothing to draw), colours and labels in the page's language.
 *
 * Layers: cells with approved cleanups, cells with open hotspots (both from the
 * tiles), the significant Gi* cells, the cells with coverage gaps outlined and
 * the gap hotspots as points. One tap opens one popup for what lies there,
 * built from text nodes.
 */
(function () {
  "use strict";

  var base = window.chxMap;
  var holder = document.getElementById("hexmap");
  if (!base || !holder) return;
  var config = base.config("hexmap-config");
  if (!config) return;
  var labels = config.labels;
  var colours = config.colours;
  var text = base.text;
  var fill = base.fill;
  var number = new Intl.NumberFormat(config.language, { maximumFractionDigits: 2 });

  var sources = { hexagons: { type: "vector", url: config.hexagons } };
  var cells = { source: "hexagons", "source-layer": "hexagons" };
  function cellLayer(id, type, filter, paint) {
    return Object.assign({ id: id, type: type, filter: filter, paint: paint }, cells);
  }
  var layers = [
    cellLayer("hex-cleanups", "fill", [">", ["get", "cleanups"], 0], {
      "fill-color": colours.cleanups,
      "fill-opacity": 0.45,
      "fill-outline-color": colours.cleanups,
    }),
    cellLayer("hex-open", "fill", [">", ["get", "open_hotspots"], 0], {
      "fill-color": colours.open,
      "fill-opacity": 0.45,
      "fill-outline-color": colours.open,
    }),
  ];
  var groups = [
    { label: labels.cleanups, layers: ["hex-cleanups"] },
    { label: labels.open, layers: ["hex-open"] },
  ];
  if (config.clusters) {
    sources.clusters = { type: "geojson", data: config.clusters };
    var classColour = ["match", ["get", "class"]];
    Object.keys(colours.clusters).forEach(function (key) {
      classColour.push(key, colours.clusters[key]);
    });
    classColour.push("rgba(0, 0, 0, 0)");
    layers.push(
      {
        id: "clusters",
        type: "fill",
        source: "clusters",
        paint: { "fill-color": classColour, "fill-opacity": 0.7 },
      },
      {
        id: "clusters-outline",
        type: "line",
        source: "clusters",
        paint: { "line-color": "#555555", "line-width": 1 },
      }
    );
    groups.push({ label: labels.clusters, layers: ["clusters", "clusters-outline"] });
  }
  layers.push(
    cellLayer("hex-gaps", "line", [">", ["get", "gaps"], 0], {
      "line-color": colours.gap,
      "line-width": 2.5,
    })
  );
  var gapLayers = ["hex-gaps"];
  if (config.gaps) {
    sources.gaps = { type: "geojson", data: config.gaps };
    layers.push({
      id: "gap-points",
      type: "circle",
      source: "gaps",
      paint: {
        "circle-color": "#ffffff",
        "circle-opacity": 0.9,
        "circle-radius": 6,
        "circle-stroke-color": colours.gap,
        "circle-stroke-width": 3,
      },
    });
    gapLayers.push("gap-points");
  }
  groups.push({ label: labels.gaps, layers: gapLayers });

  var map = base.create(holder, config, sources, layers);
  map.addControl(base.layerSwitcher(map, labels.layers, groups), "top-left");
  var clickable = ["gap-points", "clusters", "hex-gaps", "hex-open", "hex-cleanups"].filter(
    function (id) {
      return layers.some(function (layer) {
        return layer.id === id;
      });
    }
  );
  base.pointer(map, clickable);

  function gapLines(box, props) {
    box.appendChild(
      text("strong", "#" + props.id + " · " + (labels.categories[props.category] || ""))
    );
    if (props.size_label) box.appendChild(text("p", String(props.size_label)));
    box.appendChild(text("p", labels.priority, "map-popup-priority"));
    var metres = props.nearest_cleanup_m;
    box.appendChild(
      text(
        "p",
        metres === null || metres === undefined
          ? labels.no_cleanup
          : fill(labels.nearest, { m: number.format(metres) })
      )
    );
    var link = text("a", labels.details);
    link.href = base.idUrl(config.detail_page, props.id);
    var last = document.createElement("p");
    last.appendChild(link);
    box.appendChild(last);
  }

  function cellLines(box, props) {
    box.appendChild(text("strong", fill(labels.cell, { resolution: props.resolution })));
    box.appendChild(
      text(
        "p",
        fill(labels.cell_hotspots, {
          n: number.format(props.hotspots),
          open: number.format(props.open_hotspots),
        })
      )
    );
    box.appendChild(
      text(
        "p",
        fill(labels.cell_cleanups, {
          n: number.format(props.cleanups),
          kg: number.format(props.verified_kg),
        })
      )
    );
    if (props.gaps > 0) {
      box.appendChild(
        text("p", fill(labels.cell_gaps, { n: number.format(props.gaps) }), "map-popup-priority")
      );
    }
  }

  function clusterLines(box, props) {
    box.appendChild(text("strong", labels.cluster_classes[props["class"]] || ""));
    box.appendChild(
      text(
        "p",
        fill(labels.cluster_figures, {
          value: number.format(props.value),
          z: number.format(props.gi_z),
          p: number.format(props.p_fdr),
        })
      )
    );
  }

  map.on("click", function (event) {
    var found = map.queryRenderedFeatures(event.point, { layers: clickable });
    if (!found.length) return;
    var box = base.popupBox();
    var gap = found.find(function (f) {
      return f.layer.id === "gap-points";
    });
    if (gap) {
      gapLines(box, gap.properties);
      base.openPopup(map, gap.geometry.coordinates, box);
      return;
    }
    var cell = found.find(function (f) {
      return f.source === "hexagons";
    });
    var cluster = found.find(function (f) {
      return f.layer.id === "clusters";
    });
    if (cell) cellLines(box, cell.properties);
    if (cluster) clusterLines(box, cluster.properties);
    base.openPopup(map, event.lngLat, box);
  });
})();
