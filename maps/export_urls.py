from django.urls import path, re_path

from . import export_views

app_name = "exports"
urlpatterns = [
    path("", export_views.page, name="page"),
    re_path(
        r"^(?P<dataset>hotspots|events|coverage)\.(?P<fmt>csv|xlsx|geojson|gpkg|kml)$",
        export_views.ExportApi.as_view(),
        name="export",
    ),
    re_path(
        r"^(?P<dataset>hotspots|events|coverage)\.csvt$",
        export_views.ExportTypesApi.as_view(),
        name="csvt",
    ),
]
