/* The public hotspot map on vector tiles (MapLibre GL JS, served from /static/vendor/).
 *
 * Configuration comes from the page as JSON (<script id="tilemap-config">): the
 * TileJSON URLs (the page's filters are already in the hotspot one: tiles are
 * filtered on the server by the same django-filter definitions as the page),
 * labels in the page's language and the category colours; the map itself, its
 * base map, areas and controls come from static/js/mapbase.js.
 *
 * Popups are built from text nodes (textContent), never from HTML strings:
 * descriptions and titles come from residents. Thumbnails are shown only from
 * this site's own origin.
 */
(function () {
  "use strict";

  var base = window.chxMap;
  var holder = document.getElementById("tilemap");
  if (!base || !holder) return;
  var config = base.config("tilemap-config");
  if (!config) return;
  var labels = config.labels;
  var text = base.text;
  var fill = base.fill;

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  function categoryColour() {
    var expression = ["match", ["get", "category"]];
    Object.keys(config.colours).forEach(function (key) {
      expression.push(key, config.colours[key]);
    });
    expression.push(config.default_colour);
    return expression;
  }

  var map = base.create(
    holder,
    config,
    { hotspots: { type: "vector", url: config.hotspots } },
    [
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
      },
    ]
  );
  base.pointer(map, ["hotspot-points", "hotspot-blocks"]);

  function addDetails(box, id) {
    fetch(base.idUrl(config.detail_api, id), {
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
          // One date form on every page, both languages: dd/mm/yyyy (en-GB's order).
          var day = new Intl.DateTimeFormat("en-GB", {
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
    var box = base.popupBox();
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
    link.href = base.idUrl(config.detail_page, props.id);
    var last = document.createElement("p");
    last.appendChild(link);
    box.appendChild(last);
    base.openPopup(map, feature.geometry.coordinates, box);
    addDetails(box, props.id);
  });

  map.on("click", "hotspot-blocks", function (event) {
    var feature = event.features[0];
    var box = base.popupBox();
    box.appendChild(text("p", fill(labels.block, { n: feature.properties.count })));
    base.openPopup(map, feature.geometry.coordinates, box);
    map.easeTo({ center: feature.geometry.coordinates, zoom: map.getZoom() + 2 });
  });
})();
