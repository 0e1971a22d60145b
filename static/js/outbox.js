/* The outbox: submissions made offline (or that failed on the network) wait in
 * IndexedDB and are sent later, exactly once. Runs in the pages and in the
 * service worker (importScripts), so it touches no DOM outside Outbox.ui.
 *
 * A record: {id (= client_uuid), kind, url, lang, label, fields: [[name, value]],
 *   photos: [{field, blob, name}], client_uuid, created_at, state, lease_until, error}
 * state: "waiting" (to send), "sending" (claimed by one sender until lease_until),
 *   "error" (the server refused it, 4xx: kept with its error until edited or cancelled),
 *   "held" (loaded back into the form for editing).
 *
 * Exactly once: the server keeps one row per client_uuid (hotspots.services,
 * events.cleanups.services); here a sender claims a record in one IndexedDB
 * readwrite transaction (those are serialised across tabs and the worker), and
 * deletes it only after a 2xx. */
(function (root) {
  "use strict";
  var DB = "cnx-outbox", STORE = "items", LEASE_MS = 60000, CSRF_URL = "/csrf-token";
  var channel = root.BroadcastChannel ? new BroadcastChannel("cnx-outbox") : null;

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  // Run fn(store) in one transaction; resolve with what fn returns once it commits.
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), result;
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onabort = t.onerror = function () { db.close(); reject(t.error || new Error("outbox")); };
        fn(t.objectStore(STORE), function (value) { result = value; });
      });
    });
  }
  function put(record) { return tx("readwrite", function (s) { s.put(record); }); }
  function remove(id) { return tx("readwrite", function (s) { s.delete(id); }); }
  function get(id) {
    return tx("readonly", function (s, done) {
      var r = s.get(id);
      r.onsuccess = function () { done(r.result); };
    });
  }
  function list() {
    return tx("readonly", function (s, done) {
      var r = s.getAll();
      r.onsuccess = function () {
        done(r.result.sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; }));
      };
    });
  }
  // Change a record inside one transaction; change(record) returns false to leave it.
  function update(id, change) {
    return tx("readwrite", function (s, done) {
      var r = s.get(id);
      r.onsuccess = function () {
        var rec = r.result;
        if (rec && change(rec) !== false) { s.put(rec); done(rec); }
      };
    });
  }
  // Claim a record for sending: one sender wins (two tabs, the worker, two taps).
  function claim(id) {
    return update(id, function (rec) {
      var now = Date.now();
      if (rec.state === "error" || rec.state === "held") { return false; }
      if (rec.state === "sending" && rec.lease_until > now) { return false; }
      rec.state = "sending";
      rec.lease_until = now + LEASE_MS;
    });
  }
  function release(id, state, error) {
    return update(id, function (rec) { rec.state = state; rec.lease_until = 0; rec.error = error || null; });
  }

  function token() {
    return fetch(CSRF_URL, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (body) { return body.csrf_token; });
  }
  function formData(rec) {
    var data = new FormData();
    rec.fields.forEach(function (kv) { data.append(kv[0], kv[1]); });
    rec.photos.forEach(function (p) { data.append(p.field, p.blob, p.name || "photo.jpg"); });
    return data;
  }
  // POST a record. Resolves {status, body}; rejects on a network error.
  // A 403 (a stale CSRF token, or a new session) is retried once with a fresh token.
  function post(rec, csrf) {
    function attempt(t) {
      return fetch(rec.url, {
        method: "POST",
        body: formData(rec),
        credentials: "same-origin",
        headers: { "X-CSRFToken": t || "", "Accept-Language": rec.lang || "vi", "Accept": "application/json" }
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          return { status: r.status, body: body };
        });
      });
    }
    return (csrf ? Promise.resolve(csrf) : token()).then(attempt).then(function (res) {
      if (res.status !== 403) { return res; }
      return token().then(attempt);
    });
  }
  function doneUrl(rec, body) {
    if (rec.kind === "report") { return body.follow_url; }
    return (body.properties && body.properties.url) || null;
  }
  function transient(status) { return status >= 500 || status === 429 || status === 408; }

  // Send one record if this sender wins the claim. Resolves "sent" | "error" | "later" | "skipped".
  function sendOne(id) {
    return claim(id).then(function (rec) {
      if (!rec) { return "skipped"; }
      return post(rec).then(function (res) {
        if (res.status >= 200 && res.status < 300) {
          return remove(id).then(function () {
            announce({ type: "sent", id: id, kind: rec.kind, label: rec.label, url: doneUrl(rec, res.body) });
            return "sent";
          });
        }
        if (transient(res.status)) { return release(id, "waiting").then(function () { return "later"; }); }
        return release(id, "error", res.body).then(function () {
          announce({ type: "error", id: id });
          return "error";
        });
      }, function () {
        return release(id, "waiting").then(function () { return "later"; });
      });
    });
  }
  var flushing = null;
  // Send everything waiting. Resolves {sent, later, error}.
  function flush() {
    if (flushing) { return flushing; }
    flushing = list().then(function (items) {
      var counts = { sent: 0, later: 0, error: 0, skipped: 0 };
      return items.reduce(function (p, rec) {
        return p.then(function () {
          return sendOne(rec.id).then(function (r) { counts[r] += 1; });
        });
      }, Promise.resolve()).then(function () { return counts; });
    }).then(function (counts) {
      flushing = null;
      announce({ type: "changed" });
      return counts;
    }, function (err) { flushing = null; throw err; });
    return flushing;
  }
  var listeners = [];
  function announce(msg) {
    listeners.forEach(function (fn) { fn(msg); });
    if (channel) { channel.postMessage(msg); }
  }
  if (channel) {
    channel.onmessage = function (e) { listeners.forEach(function (fn) { fn(e.data); }); };
  }

  function uuid() {
    if (root.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Build a record from a form: every field but files (generic: whatever a page
  // or a helper adds to the form, e.g. a drawn outline, travels with it);
  // photos come already downscaled as [{field, blob, name}].
  function record(opts) {
    var fields = [];
    new FormData(opts.form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") { fields.push([name, value]); }
    });
    (opts.extra || []).forEach(function (kv) { fields.push(kv); });
    var id = opts.form.querySelector("input[name=client_uuid]").value;
    return {
      id: id, client_uuid: id, kind: opts.kind, url: opts.url, lang: opts.lang, label: opts.label || "",
      fields: fields, photos: opts.photos || [], created_at: new Date().toISOString(),
      state: "waiting", lease_until: 0, error: null
    };
  }
  function registerSync() {
    if (!root.navigator || !navigator.serviceWorker) { return Promise.resolve(); }
    return navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync ? reg.sync.register("outbox") : null;
    }).catch(function () {});
  }
  function queue(rec) {
    return put(rec).then(function () {
      registerSync();
      announce({ type: "changed" });
      return { queued: true, record: rec };
    });
  }
  // Submit a form: straight to the server when online; into the outbox when
  // offline or when the network (or the server, 5xx) fails. Resolves
  // {queued: true} | {status, body}; rejects with the storage error (e.g. quota).
  function submit(opts) {
    var rec = record(opts);
    if (root.navigator && navigator.onLine === false) { return queue(rec); }
    return post(rec, opts.csrf).then(function (res) {
      if (transient(res.status)) { return queue(rec); }
      return res;
    }, function () { return queue(rec); });
  }

  root.Outbox = {
    submit: submit, flush: flush, list: list, get: get, remove: remove, put: put,
    release: release, uuid: uuid, registerSync: registerSync,
    on: function (fn) { listeners.push(fn); }
  };
})(self);
