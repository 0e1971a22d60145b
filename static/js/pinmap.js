/* A map where a person places one point: tap/click, drag the pin, or use the
 * device's location (keeping its accuracy). Shared by the report and event pages.
 *
 *   var pin = PinMap({mapId, cfg, T, onChange(lat, lon, source, accuracy), onOutside()});
 *   pin.set(latlng, source, accuracy);  pin.map  (the Leaflet map)
 *   PinMap.maps[mapId] is the same object (drawshape.js draws on its map).
 */
(function () {
  "use strict";
  window.PinMap = function (opts) {
    var cfg = opts.cfg, T = opts.T;
    L.Icon.Default.imagePath = cfg.leafletImages;
    var map = L.map(opts.mapId, { tap: true }).setView(cfg.center, cfg.zoom);
    // The base map (maps.basemap): raster tiles, or our own boundaries and
    // waterways when there is no tile server; metric scale only.
    if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
    if (cfg.fallback && window.chxBasemap) window.chxBasemap.leaflet(map, cfg.fallback);
    L.control.scale({ imperial: false }).addTo(map);
    var marker = null, circle = null;
    var status = document.getElementById(opts.statusId || "location-status");

    function inside(lat, lon) {
      var e = cfg.envelope;
      return lon >= e[0] && lat >= e[1] && lon <= e[2] && lat <= e[3];
    }

    function set(latlng, source, accuracy) {
      var lat = latlng.lat, lon = latlng.lng;
      if (!inside(lat, lon)) {
        if (opts.onOutside) { opts.onOutside(); }
        return;
      }
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { set(marker.getLatLng(), "pin", null); });
      } else {
        marker.setLatLng(latlng);
      }
      if (circle) { map.removeLayer(circle); circle = null; }
      if (accuracy) {
        circle = L.circle(latlng, { radius: accuracy, weight: 1, fillOpacity: 0.1 }).addTo(map);
      }
      status.textContent = (source === "gps" ? T.gps.replace("{m}", Math.round(accuracy || 0)) : T.pinned)
        + lat.toFixed(5) + ", " + lon.toFixed(5);
      opts.onChange(lat, lon, source, accuracy);
    }

    map.on("click", function (e) {
      if (map.pinPaused) { return; }  // drawshape.js is drawing: taps add vertices
      set(e.latlng, "pin", null);
    });
    keyboardPin(map, set, T);
    typedPin(map, set, T);
    var button = document.getElementById(opts.locateId || "use-location");
    if (button) {
      button.addEventListener("click", function () {
        if (!navigator.geolocation) { status.textContent = T.noGeo; return; }
        status.textContent = T.locating;
        navigator.geolocation.getCurrentPosition(function (pos) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(ll, 17);
          set(ll, "gps", pos.coords.accuracy);
        }, function () { status.textContent = T.noGeo; },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
      });
    }
    var api = { map: map, set: set };
    window.PinMap.maps[opts.mapId] = api;  // found by drawshape.js
    return api;
  };
  window.PinMap.maps = {};

  /* Keyboard placement: the map takes focus (Tab), the arrow keys move the view
   * (Leaflet's keyboard handler) under a crosshair drawn at its centre while it
   * has focus, and Enter or Space drops the pin at the centre; the result is
   * announced in the aria-live status like a tap. */
  function keyboardPin(map, set, T) {
    var box = map.getContainer();
    if (!box.getAttribute("aria-label")) {
      box.setAttribute("role", "application");
      box.setAttribute("aria-label", T.mapLabel);
    }
    var cross = document.createElement("div");
    cross.className = "pin-crosshair";
    cross.setAttribute("aria-hidden", "true");
    box.appendChild(cross);
    box.addEventListener("keydown", function (e) {
      if (e.target !== box || (e.key !== "Enter" && e.key !== " ")) { return; }
      e.preventDefault();
      set(map.getCenter(), "pin", null);
    });
  }

  /* The typed alternative: latitude and longitude in two labelled number
   * fields (no name: they are not sent; the pin's hidden fields are). */
  function typedPin(map, set, T) {
    var box = map.getContainer();
    var id = box.id;
    var details = document.createElement("details");
    details.className = "pin-coords";
    var summary = document.createElement("summary");
    summary.textContent = T.typeCoords;
    details.appendChild(summary);
    function field(key, label, min, max) {
      var wrap = document.createElement("label");
      wrap.textContent = label + " ";
      var input = document.createElement("input");
      input.type = "number"; input.step = "any"; input.min = min; input.max = max;
      input.id = id + "-" + key; input.inputMode = "decimal";
      wrap.appendChild(input);
      details.appendChild(wrap);
      return input;
    }
    var lat = field("lat", T.lat, -90, 90);
    var lon = field("lon", T.lon, -180, 180);
    var go = document.createElement("button");
    go.type = "button"; go.className = "secondary"; go.textContent = T.setPin;
    details.appendChild(go);
    function place(e) {
      if (e.type === "keydown" && e.key !== "Enter") { return; }
      e.preventDefault();
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isFinite(a) || !isFinite(b)) { lat.focus(); return; }
      var ll = L.latLng(a, b);
      map.setView(ll, Math.max(map.getZoom(), 16));
      set(ll, "pin", null);
    }
    go.addEventListener("click", place);
    lat.addEventListener("keydown", place);
    lon.addEventListener("keydown", place);
    box.parentNode.insertBefore(details, box.nextSibling);
  }

  /* Words both pages use; a page adds its own with PinMap.words(lang, extra). */
  var WORDS = {
    vi: {
      noPoint: "Hãy chạm vào bản đồ hoặc dùng vị trí của bạn.",
      outside: "Vị trí này nằm ngoài địa bàn cuộc thi.",
      pinned: "Đã đặt ghim tại ",
      gps: "Vị trí của bạn (sai số khoảng {m} m): ",
      locating: "Đang lấy vị trí…",
      noGeo: "Không lấy được vị trí. Hãy bật định vị hoặc chạm vào bản đồ.",
      away: "cách {m} m",
      sending: "Đang gửi…",
      failed: "Không gửi được. Kiểm tra kết nối mạng rồi thử lại.",
      mapLabel: "Bản đồ đặt ghim: phím mũi tên để di chuyển, Enter hoặc phím cách để đặt ghim ở tâm",
      typeCoords: "Nhập toạ độ",
      lat: "Vĩ độ",
      lon: "Kinh độ",
      setPin: "Đặt ghim"
    },
    en: {
      noPoint: "Tap the map or use your location.",
      outside: "This place is outside the contest area.",
      pinned: "Pinned at ",
      gps: "Your location (within about {m} m): ",
      locating: "Finding your location…",
      noGeo: "Could not get your location. Turn on location or tap the map.",
      away: "{m} m away",
      sending: "Sending…",
      failed: "Could not send. Check your connection and try again.",
      mapLabel: "Pin map: arrow keys move it, Enter or Space drops the pin at the centre",
      typeCoords: "Type coordinates",
      lat: "Latitude",
      lon: "Longitude",
      setPin: "Set the pin"
    }
  };
  window.PinMap.words = function (lang, extra) {
    var own = extra[lang === "en" ? "en" : "vi"];
    return Object.assign({}, WORDS[lang === "en" ? "en" : "vi"], own);
  };

  /* Helpers both pages use. */
  window.FormHelpers = {
    csrf: function (form) {
      var input = form.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    },
    showErrors: function (form, body, aliases) {
      // Put the API's {"error": {...}} next to the fields it names.
      var err = (body && body.error) || {};
      var fields = err.fields || {};
      var shown = false;
      function box(name) {
        var key = (aliases && aliases[name]) || name.replace(/\[\d+\].*$/, "").replace(/\..*$/, "");
        return document.getElementById("error-" + key);
      }
      Object.keys(fields).forEach(function (name) {
        var el = box(name);
        if (el) { el.textContent = fields[name].join(" "); shown = true; }
      });
      if (!shown) {
        var el = (err.field && box(err.field)) || document.getElementById("error-general");
        el.textContent = err.message || "";
      }
    },
    clearErrors: function (form) {
      form.querySelectorAll(".form-error").forEach(function (el) { el.textContent = ""; });
    }
  };
})();
