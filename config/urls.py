from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.apis import TokenObtainApi

from . import pwa, views

api_v1 = [
    path("auth/token/", TokenObtainApi.as_view(), name="auth-token"),
    path("", include("geo.urls")),
    path("hotspots/", include("hotspots.urls")),
    path("", include("events.api_urls")),
    path("", include("maps.coverage_api_urls")),
    path("", include("maps.analysis_api_urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("csrf-token", pwa.csrf_token, name="csrf-token"),
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.media, name="media"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from ?script, not
    # inline: the Content-Security-Policy runs no inline script without a nonce.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs",
    ),
    path("maps/coverage/", include("maps.coverage_urls")),
    path("maps/hexagons/", include("maps.analysis_urls")),
    path("exports/", include("maps.export_urls")),
    path("jobs/", include("jobs.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("hotspots/", include("hotspots.page_urls")),
    path("contest/", include("events.page_urls")),
    path("certificates/", include("events.results.certificate_urls")),
    path("open311/v2/", include("hotspots.open311.urls")),
    path("maps/", include("maps.public_urls")),
    path("tiles/", include("maps.tile_urls")),
    path("ogc/", include("ogc.urls")),
    path("", include("maps.dashboard_urls")),
    path("", views.home, name="home"),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
