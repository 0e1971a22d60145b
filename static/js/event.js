/* Log a cleanup event: place, nearby open hotspots to tick, participants, weights,
 * before/after photos; posts to the API. Server text is set with textContent only. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("event-config").textContent);
  var form = document.getElementById("event-form");
  var T = PinMap.words(cfg.lang, {
    vi: {
      people: "{n} người tham gia",
      noPeople: "Cần ít nhất một người tham gia.",
      photos: "{b} ảnh trước, {a} ảnh sau"
    },
    en: {
      people: "{n} participants",
      noPeople: "At least one participant is needed.",
      photos: "{b} before, {a} after"
    }
  });

  function field(id) { return document.getElementById(id); }
  var hotspotLayer = null;

  var pin = PinMap({
    mapId: "event-map",
    cfg: cfg,
    T: T,
    onOutside: function () { field("error-lon").textContent = T.outside; },
    onChange: function (lat, lon) {
      field("error-lon").textContent = "";
      field("id_lon").value = lon.toFixed(6);
      field("id_lat").value = lat.toFixed(6);
      loadHotspots(lon, lat);
    }
  });

  function loadHotspots(lon, lat) {
    var url = cfg.nearbyUrl + "?lon=" + lon.toFixed(6) + "&lat=" + lat.toFixed(6)
      + "&radius_m=" + Math.round(cfg.hotspotRadiusM);
    fetch(url, { credentials: "same-origin", headers: { "Accept-Language": cfg.lang } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) { renderHotspots(data.features || []); })
      .catch(function () { renderHotspots([]); });
  }

  function renderHotspots(features) {
    var list = field("hotspot-list");
    var ticked = {};
    list.querySelectorAll("input:checked").forEach(function (i) { ticked[i.value] = true; });
    list.textContent = "";
    field("hotspot-pick").hidden = features.length === 0;
    if (hotspotLayer) { pin.map.removeLayer(hotspotLayer); }
    hotspotLayer = L.layerGroup().addTo(pin.map);
    features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      L.circleMarker([c[1], c[0]], { radius: 7, color: "#c0392b", weight: 2 })
        .bindTooltip(document.createTextNode(p.category_label)).addTo(hotspotLayer);
      var li = document.createElement("li");
      li.className = "nearby-item";
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "hotspots";
      box.value = String(p.id);
      box.checked = !!ticked[box.value];
      label.appendChild(box);
      if (p.photos && p.photos.length) {
        var img = document.createElement("img");
        img.src = p.photos[0].thumbnail_url;
        img.alt = "";
        label.appendChild(img);
      }
      var text = document.createElement("span");
      text.textContent = " #" + p.id + " " + p.category_label + " · " + p.size_label + " · "
        + T.away.replace("{m}", Math.round(p.distance_m));
      label.appendChild(text);
      li.appendChild(label);
      list.appendChild(li);
    });
  }

  function participants() {
    var names = [];
    form.querySelectorAll("[data-member]:checked").forEach(function (b) { names.push(b.value); });
    field("other-participants").value.split(/\r?\n/).forEach(function (line) {
      var name = line.trim();
      if (name) { names.push(name); }
    });
    return names;
  }
  function showCount() {
    field("participant-count").textContent = T.people.replace("{n}", participants().length);
  }
  form.querySelectorAll("[data-member]").forEach(function (b) { b.addEventListener("change", showCount); });
  field("other-participants").addEventListener("input", showCount);
  function showPhotos() {
    field("photo-count").textContent = T.photos
      .replace("{b}", field("id_before_photos").files.length)
      .replace("{a}", field("id_after_photos").files.length);
  }
  field("id_before_photos").addEventListener("change", showPhotos);
  field("id_after_photos").addEventListener("change", showPhotos);

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    FormHelpers.clearErrors(form);
    if (!field("id_lon").value) { field("error-lon").textContent = T.noPoint; field("event-map").scrollIntoView(); return; }
    var names = participants();
    if (!names.length) { field("error-participants").textContent = T.noPeople; return; }
    var submit = field("submit-event");
    var note = field("submit-status");
    submit.disabled = true;
    note.textContent = T.sending;
    // Photos downscaled like the report page's; every form field travels (FormData).
    var files = [];
    ["before_photos", "after_photos"].forEach(function (name) {
      Array.prototype.forEach.call(field("id_" + name).files, function (f) { files.push({ field: name, file: f }); });
    });
    Promise.all(files.map(function (p) { return Photos.shrink(p.file); })).then(function (shrunk) {
      return Outbox.submit({
        form: form,
        kind: "event",
        url: cfg.apiUrl,
        lang: cfg.lang,
        csrf: FormHelpers.csrf(form),
        label: form.querySelector("input[name=title]").value,
        extra: names.map(function (n) { return ["participants", n]; }),
        photos: shrunk.map(function (f, i) { return { field: files[i].field, blob: f, name: f.name }; })
      });
    }).then(function (res) {
      if (res.queued) {
        var keep = [field("id_lon").value, field("id_lat").value];
        form.reset();
        field("id_lon").value = keep[0];
        field("id_lat").value = keep[1];
        showCount();
        showPhotos();
        outbox.newReport();
        outbox.saved();
      } else if (res.status >= 200 && res.status < 300) {
        window.location.assign((res.body.properties && res.body.properties.url) || "/contest/me/");
        return;
      } else {
        FormHelpers.showErrors(form, res.body, ALIASES);
      }
      submit.disabled = false;
      note.textContent = "";
    }).catch(function (err) {
      outbox.storageFailed(err);  // not sent and not stored: said plainly
      note.textContent = T.failed;
      submit.disabled = false;
    });
  });

  var ALIASES = {
    lat: "lon", "lon,lat": "lon", plastic_kg: "breakdown", water_hyacinth_kg: "breakdown", other_kg: "breakdown"
  };
  var outbox = OutboxUI({
    form: form,
    lang: cfg.lang,
    aliases: ALIASES,
    onEdit: function (rec) {
      // Participants are not form fields: back into the ticks and the text box.
      var others = [];
      rec.fields.forEach(function (kv) {
        if (kv[0] !== "participants") { return; }
        var box = Array.prototype.filter.call(form.querySelectorAll("[data-member]"), function (b) {
          return b.value === kv[1];
        })[0];
        if (box) { box.checked = true; } else { others.push(kv[1]); }
      });
      field("other-participants").value = others.join("\n");
      showCount();
      showPhotos();
      if (field("id_lon").value && field("id_lat").value) {
        pin.set(L.latLng(parseFloat(field("id_lat").value), parseFloat(field("id_lon").value)), "pin", null);
      }
    }
  });
})();
