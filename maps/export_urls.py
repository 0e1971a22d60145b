from django.urls import re_path

from . import exports

app_name = "exports"
urlpatterns = [
    re_path(
        r"^(?P<dataset>hotspots|events|coverage)\.(?P<fmt>csv|xlsx|geojson|gpkg|kml)$",
        exports.export,
        name="export",
    ),
]
