/* The reporting page: pin or device location, nearby open hotspots, photos, submit.
 * Everything shown from the server is set with textContent (never innerHTML). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("report-config").textContent);
  var form = document.getElementById("report-form");
  var T = PinMap.words(cfg.lang, {
    vi: {
      confirm: "Xác nhận điểm này",
      confirmed: "Cảm ơn! Bạn đã xác nhận điểm này.",
      tooMany: "Tối đa 5 ảnh.",
      view: "Xem"
    },
    en: {
      confirm: "Confirm this one",
      confirmed: "Thank you! You confirmed this hotspot.",
      tooMany: "At most 5 photos.",
      view: "View"
    }
  });

  function field(id) { return document.getElementById(id); }
  function showError(name, text) {
    var box = field("error-" + name) || field("error-general");
    box.textContent = text || "";
  }
  var pin = PinMap({
    mapId: "report-map",
    cfg: cfg,
    T: T,
    onOutside: function () { showError("lon", T.outside); },
    onChange: function (lat, lon, source, accuracy) {
      showError("lon", "");
      field("id_lon").value = lon.toFixed(6);
      field("id_lat").value = lat.toFixed(6);
      field("id_location_source").value = source;
      field("id_accuracy_m").value = accuracy == null ? "" : Math.round(accuracy);
      loadNearby(lon, lat);
    }
  });
  function csrf() { return FormHelpers.csrf(form); }

  function loadNearby(lon, lat) {
    var url = cfg.nearbyUrl + "?lon=" + lon.toFixed(6) + "&lat=" + lat.toFixed(6);
    fetch(url, { credentials: "same-origin", headers: { "Accept-Language": cfg.lang } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) { renderNearby(data.features || []); })
      .catch(function () { renderNearby([]); });
  }

  function renderNearby(features) {
    var box = field("nearby");
    var list = field("nearby-list");
    list.textContent = "";
    box.hidden = features.length === 0;
    features.forEach(function (f) {
      var p = f.properties;
      var li = document.createElement("li");
      li.className = "nearby-item";
      if (p.photos && p.photos.length) {
        var img = document.createElement("img");
        img.src = p.photos[0].thumbnail_url;
        img.alt = "";
        img.loading = "lazy";
        li.appendChild(img);
      }
      var text = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = p.category_label + " · " + p.size_label;
      var meta = document.createElement("div");
      meta.className = "muted";
      meta.textContent = p.status_label + " · " + T.away.replace("{m}", Math.round(p.distance_m));
      text.appendChild(title);
      text.appendChild(meta);
      li.appendChild(text);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = T.confirm;
      button.addEventListener("click", function () { confirmHotspot(p.id, li, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function confirmHotspot(id, li, button) {
    button.disabled = true;
    fetch(cfg.confirmUrl.replace("/0/", "/" + id + "/"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept-Language": cfg.lang }
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      var note = document.createElement("p");
      note.className = res.ok ? "success" : "form-error";
      note.textContent = res.ok ? T.confirmed : res.body.error.message;
      li.appendChild(note);
      if (!res.ok) { button.disabled = false; }
    }).catch(function () { button.disabled = false; });
  }

  // Photos: previews here; downscaling before upload in photos.js.
  function chosenFiles() {
    var files = [];
    form.querySelectorAll("[data-photo-input]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (f) { files.push(f); });
    });
    return files;
  }
  form.querySelectorAll("[data-photo-input]").forEach(function (input) {
    input.addEventListener("change", function () {
      var previews = field("photo-previews");
      previews.textContent = "";
      var files = chosenFiles();
      showError("photos", files.length > 5 ? T.tooMany : "");
      files.slice(0, 5).forEach(function (f) {
        var img = document.createElement("img");
        img.alt = "";
        img.src = URL.createObjectURL(f);
        previews.appendChild(img);
      });
    });
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    FormHelpers.clearErrors(form);
    if (!field("id_lon").value) { showError("lon", T.noPoint); field("report-map").scrollIntoView(); return; }
    var submit = field("submit-report");
    var note = field("submit-status");
    submit.disabled = true;
    note.textContent = T.sending;
    // Every form field travels (FormData): also what other scripts add to the form.
    Promise.all(chosenFiles().map(Photos.shrink)).then(function (files) {
      var checked = form.querySelector("input[name=category]:checked");
      return Outbox.submit({
        form: form,
        kind: "report",
        url: cfg.apiUrl,
        lang: cfg.lang,
        csrf: csrf(),
        label: checked ? checked.parentNode.textContent.trim() : "",
        photos: files.map(function (f) { return { field: "photos", blob: f, name: f.name }; })
      });
    }).then(function (res) {
      if (res.queued) {
        // Kept for later: the form is free for the next report (a new client_uuid).
        var keep = ["id_lon", "id_lat", "id_accuracy_m", "id_location_source"].map(function (id) { return field(id).value; });
        form.reset();
        ["id_lon", "id_lat", "id_accuracy_m", "id_location_source"].forEach(function (id, i) { field(id).value = keep[i]; });
        field("photo-previews").textContent = "";
        outbox.newReport();
        outbox.saved();
      } else if (res.status >= 200 && res.status < 300) {
        window.location.assign(res.body.follow_url);
        return;
      } else {
        FormHelpers.showErrors(form, res.body, ALIASES);
      }
      submit.disabled = false;
      note.textContent = "";
    }).catch(function (err) {
      // Not sent and not stored (the device's storage refused it): say so.
      outbox.storageFailed(err);
      note.textContent = T.failed;
      submit.disabled = false;
    });
  });

  var ALIASES = { lat: "lon", "lon,lat": "lon" };
  var outbox = OutboxUI({
    form: form,
    lang: cfg.lang,
    aliases: ALIASES,
    onEdit: function () {
      if (field("id_lon").value && field("id_lat").value) {
        pin.set(L.latLng(parseFloat(field("id_lat").value), parseFloat(field("id_lon").value)),
          field("id_location_source").value || "pin", parseFloat(field("id_accuracy_m").value) || null);
      }
    }
  });

  if (field("id_lon").value && field("id_lat").value) {
    pin.set(L.latLng(parseFloat(field("id_lat").value), parseFloat(field("id_lon").value)),
      field("id_location_source").value || "pin", parseFloat(field("id_accuracy_m").value) || null);
  }
})();
