/* Draw one optional shape on a PinMap's map (Leaflet-Geoman): an outline (polygon)
 * or a line (a bank line on the report page, a route on the event page).
 * Shared by both pages. The shape's GeoJSON geometry goes into a hidden input named
 * as the API's field, so whatever serialises the form (FormData, the offline outbox)
 * carries it; an input with no shape is disabled so it is not sent at all. The area
 * (m², ha) or length (m) is shown live in the page's number format; the value sent is
 * plain JSON (dot decimals, 6 decimals of a degree).
 *
 * Markup (inside the form):
 *   <div data-drawshape data-map="report-map" data-polygon-input="id_outline"
 *        data-line-input="id_bank_line" [data-line-strip-m="4"]>
 *     <button data-draw="polygon"> <button data-draw="line"> <button data-draw="finish">
 *     <button data-draw="clear"> <p data-draw-status>
 *   </div>
 * Load after leaflet.js, leaflet-geoman.min.js, pinmap.js and the page's script. */
(function () {
  "use strict";
  var WORDS = {
    vi: {
      polygon: "Chạm lên bản đồ để thêm từng góc của vùng (ít nhất 3), rồi bấm “Xong”.",
      line: "Chạm lên bản đồ để thêm từng điểm của đường (ít nhất 2), rồi bấm “Xong”.",
      edit: "Kéo các điểm tròn để chỉnh hình.",
      area: "Diện tích: {v}",
      length: "Chiều dài: {v}",
      strip: " (lưu thành dải rộng {w} m dọc bờ)",
      none: ""
    },
    en: {
      polygon: "Tap the map to add each corner of the area (at least 3), then press “Done”.",
      line: "Tap the map to add each point of the line (at least 2), then press “Done”.",
      edit: "Drag the round handles to adjust the shape.",
      area: "Area: {v}",
      length: "Length: {v}",
      strip: " (stored as a {w} m wide strip along the bank)",
      none: ""
    }
  };
  var R = 6378137;  // metres (WGS84 semi-major axis), as PostGIS's geography sphere
  var D2R = Math.PI / 180;

  /* Area in m² of a ring on the sphere (the spherical excess form Leaflet.draw uses). */
  function areaM2(latlngs) {
    var n = latlngs.length, sum = 0;
    if (n < 3) { return 0; }
    for (var i = 0; i < n; i++) {
      var a = latlngs[i], b = latlngs[(i + 1) % n];
      sum += (b.lng - a.lng) * D2R * (2 + Math.sin(a.lat * D2R) + Math.sin(b.lat * D2R));
    }
    return Math.abs(sum * R * R / 2);
  }
  function lengthM(latlngs) {
    var total = 0;
    for (var i = 1; i < latlngs.length; i++) { total += latlngs[i - 1].distanceTo(latlngs[i]); }
    return total;
  }
  function ring(layer) {
    var ll = layer.getLatLngs();
    return Array.isArray(ll[0]) ? ll[0] : ll;
  }

  function setup(box) {
    var pin = window.PinMap && PinMap.maps[box.getAttribute("data-map")];
    if (!pin || !pin.map.pm) { return; }
    var map = pin.map;
    var lang = document.documentElement.lang === "en" ? "en" : "vi";
    var T = WORDS[lang];
    var nf = new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 0 });
    var nf2 = new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 2 });
    var inputs = {
      polygon: document.getElementById(box.getAttribute("data-polygon-input")),
      line: document.getElementById(box.getAttribute("data-line-input"))
    };
    var stripM = box.getAttribute("data-line-strip-m");
    var status = box.querySelector("[data-draw-status]");
    var buttons = {};
    box.querySelectorAll("[data-draw]").forEach(function (b) { buttons[b.getAttribute("data-draw")] = b; });
    var shape = null, kind = null, drawing = null;
    var style = { color: "#c0392b", weight: 3, fillOpacity: 0.25 };

    map.pm.setGlobalOptions({ tooltips: false, snappable: false, allowSelfIntersection: false,
      pathOptions: style, templineStyle: style, hintlineStyle: { color: "#c0392b", dashArray: "5,5" } });

    function measure(k, latlngs) {
      if (k === "polygon") {
        var m2 = areaM2(latlngs);
        return T.area.replace("{v}", m2 >= 10000 ? nf2.format(m2 / 10000) + " ha" : nf.format(m2) + " m²");
      }
      var text = T.length.replace("{v}", nf.format(lengthM(latlngs)) + " m");
      return stripM ? text + T.strip.replace("{w}", nf.format(parseFloat(stripM))) : text;
    }
    function show(text) { status.textContent = text; }
    function write() {
      Object.keys(inputs).forEach(function (k) {
        var input = inputs[k];
        if (!input) { return; }
        var mine = shape && kind === k;
        input.value = mine ? JSON.stringify(shape.toGeoJSON(6).geometry) : "";
        input.disabled = !mine;  // an empty field is not sent (the API wants JSON or nothing)
      });
      show(shape ? measure(kind, ring(shape)) + " " + T.edit : T.none);
      buttons.clear.hidden = !shape && !drawing;
    }
    function changed() {  // the person changed the shape: the server's old word goes
      Object.keys(inputs).forEach(function (k) {
        var err = inputs[k] && document.getElementById("error-" + inputs[k].name);
        if (err) { err.textContent = ""; }
      });
      write();
    }
    function keep(layer, k) {
      shape = layer;
      kind = k;
      layer.pm.enable({ allowSelfIntersection: false, snappable: false });
      layer.on("pm:edit pm:markerdrag", changed);
    }
    function remove() {
      if (drawing) { map.pm.disableDraw(); }
      if (shape) { shape.pm.disable(); map.removeLayer(shape); }
      shape = kind = null;
    }
    function start(k) {
      remove();
      drawing = k;
      map.pinPaused = true;
      map.doubleClickZoom.disable();  // two quick taps are two corners, not a zoom
      map.pm.enableDraw(k === "polygon" ? "Polygon" : "Line", { finishOn: null });
      // On a phone the button may have scrolled the map away: bring it back to tap on.
      map.getContainer().scrollIntoView({ block: "start" });
      buttons.finish.hidden = false;
      changed();
      show(T[k]);
    }
    function finish() {
      if (!drawing) { return; }
      var draw = map.pm.Draw[drawing === "polygon" ? "Polygon" : "Line"];
      if (draw._finishShape) { draw._finishShape(); }  // Geoman's own "finish" (no public call)
    }

    map.on("pm:drawstart", function (e) {
      e.workingLayer.on("pm:vertexadded", function () {
        var k = drawing;
        if (k) { show(measure(k, ring(e.workingLayer)) + " · " + T[k]); }
      });
    });
    map.on("pm:create", function (e) {
      var k = drawing;
      drawing = null;
      keep(e.layer, k);
      changed();
    });
    map.on("pm:drawend", function () {
      drawing = null;
      buttons.finish.hidden = true;
      // Let this tap end before the map places pins again.
      setTimeout(function () {
        if (!drawing) { map.pinPaused = false; map.doubleClickZoom.enable(); }
      }, 0);
      write();
    });

    buttons.polygon.addEventListener("click", function () { start("polygon"); });
    if (buttons.line) { buttons.line.addEventListener("click", function () { start("line"); }); }
    buttons.finish.addEventListener("click", finish);
    buttons.clear.addEventListener("click", function () { remove(); changed(); });
    // A shape still being drawn when the form is sent is finished first (capture:
    // runs before the page's own submit handler reads the form).
    var form = box.closest("form");
    if (form) { form.addEventListener("submit", finish, true); }

    // A shape sent back by the server (the page re-rendered after an error).
    Object.keys(inputs).forEach(function (k) {
      var input = inputs[k];
      if (!input || !input.value || shape) { return; }
      try {
        var layer = L.geoJSON(JSON.parse(input.value), { style: style }).getLayers()[0];
        if (layer) { layer.addTo(map); keep(layer, k); }
      } catch (err) { input.value = ""; input.disabled = true; }
    });
    write();
  }

  document.querySelectorAll("[data-drawshape]").forEach(setup);
})();
