"""The installable web app: its manifest, its service worker, a fresh CSRF token.

The service worker is hand-written (templates/pwa/sw.js) rather than Workbox:
it needs four small things (precache a list, network-first pages, cache-first
static files, a `sync` event), and its precache list must name the files as
Django's manifest storage names them (hashed in production). Rendering that
list here needs no build step; workbox-sw would load from a CDN by default and
workbox-build's injectManifest would need one.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1b7f3b"  # site.css --green
BACKGROUND_COLOUR = "#f6faf6"  # site.css --bg

# The static files the offline pages need (the pages add what they load, at
# run time, when opened online: see the worker's cache-first /static/ rule).
OFFLINE_ASSETS = (
    "css/site.css",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "vendor/leaflet-geoman/leaflet-geoman.css",
    "vendor/leaflet-geoman/leaflet-geoman.min.js",
    "js/basemap.js",
    "js/pinmap.js",
    "js/drawshape.js",
    "js/photos.js",
    "js/outbox.js",
    "js/outbox-ui.js",
    "js/sw-register.js",
    "js/report.js",
    "js/event.js",
    "icons/icon-192.png",
)
# Pages that open offline: network first, the last copy when offline.
OFFLINE_PAGES = ("hotspots:report", "events:event-new")


@lru_cache(maxsize=1)
def _version() -> str:
    """One version for a deploy: changes whenever any offline asset changes."""
    digest = hashlib.sha256()
    for name in OFFLINE_ASSETS:
        digest.update(name.encode())
        found = finders.find(name)
        if found:
            with open(found, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:12]


@require_GET
@never_cache
def service_worker(request):
    config = {
        "version": _version(),
        "assets": [static(name) for name in OFFLINE_ASSETS],
        "pages": [reverse(name) for name in OFFLINE_PAGES],
        "staticPrefix": settings.STATIC_URL,
        "outbox": static("js/outbox.js"),
    }
    with open(finders.find("js/sw.js"), encoding="utf-8") as fh:
        body = fh.read()
    response = HttpResponse(
        f"self.SW_CONFIG = {json.dumps(config)};\n{body}",
        content_type="text/javascript; charset=utf-8",
    )
    # Served from the root so its scope is the whole site.
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("Chủ nhật xanh"),
        "short_name": _("CN xanh"),
        "description": _(
            "Báo cáo điểm nóng rác thải nhựa và ghi nhận sự kiện thu gom."
        ),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("hotspots:report"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static(f"icons/icon-{n}.png"),
                "sizes": f"{n}x{n}",
                "type": "image/png",
            }
            for n in (192, 512)
        ]
        + [
            {
                "src": static(f"icons/maskable-{n}.png"),
                "sizes": f"{n}x{n}",
                "type": "image/png",
                "purpose": "maskable",
            }
            for n in (192, 512)
        ],
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@never_cache
def csrf_token(request):
    """A fresh token for the offline outbox: the one in a cached page goes stale."""
    return JsonResponse({"csrf_token": get_token(request)})
