/* The service worker (served at /sw.js by config/pwa.py, which puts
 * self.SW_CONFIG = {version, assets, pages, staticPrefix, outbox} above this).
 *
 * - Precaches the offline pages and their static files under one versioned
 *   cache; a new deploy (new version) replaces the old caches on activate.
 * - Pages in cfg.pages: network first, the last good copy when offline.
 * - Static files: cache first (their names change when they change in production).
 * - Never caches API answers, other pages, or anything but GET.
 * - Background Sync ("outbox"): sends the IndexedDB outbox (static/js/outbox.js). */
/* global SW_CONFIG, Outbox */
"use strict";
var cfg = self.SW_CONFIG;
var CACHE = "cnx-" + cfg.version;
importScripts(cfg.outbox);

function cachePage(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (r) {
    // A login redirect or a refusal is not the page: keep the copy we had.
    if (r.ok && !r.redirected) { return cache.put(url, r); }
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(cfg.assets).then(function () {
      return Promise.all(cfg.pages.map(function (url) { return cachePage(cache, url); }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("cnx-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage(url) {
  return cfg.pages.indexOf(url.pathname) !== -1;
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (offlinePage(url) && req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (r) {
      if (r.ok && !r.redirected) {
        var copy = r.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return r;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname, { ignoreVary: true });
      }).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf(cfg.staticPrefix) === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(req, { ignoreVary: true, ignoreSearch: true }).then(function (hit) {
        return hit || fetch(req).then(function (r) {
          if (r.ok) { cache.put(req, r.clone()); }
          return r;
        });
      });
    }));
  }
  // Everything else (APIs, other pages, media, tiles) goes to the network untouched.
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") { event.waitUntil(Outbox.flush()); }
});

self.addEventListener("message", function (event) {
  if (event.data === "flush") { event.waitUntil(Outbox.flush()); }
  if (event.data === "forget-pages") {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(cfg.pages.map(function (page) { return cache.delete(page); }));
    }));
  }
});
