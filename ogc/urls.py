"""/ogc/: OGC API – Features. Paths as the spec writes them, no trailing slash
(GDAL and QGIS ask for /collections, /conformance...); one added is accepted."""

from django.urls import re_path, reverse_lazy
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import views

app_name = "ogc"
ID = r"(?P<collection_id>[^/]+)"
urlpatterns = [
    re_path(r"^$", views.landing, name="landing"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^api/?$", views.api, name="api"),
    re_path(  # the split view: Swagger UI's start-up script is not inline (CSP)
        r"^api\.html$",
        SpectacularSwaggerSplitView.as_view(url=reverse_lazy("ogc:api")),
        name="api-docs",
    ),
    re_path(r"^collections/?$", views.collection_list, name="collections"),
    re_path(rf"^collections/{ID}/?$", views.collection_detail, name="collection"),
    re_path(rf"^collections/{ID}/items/?$", views.items, name="items"),
    re_path(
        rf"^collections/{ID}/items/(?P<feature_id>[^/]+)/?$",
        views.item,
        name="item",
    ),
    re_path(rf"^collections/{ID}/queryables/?$", views.queryables, name="queryables"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found),  # [\s\S]: encoded newlines too
]
