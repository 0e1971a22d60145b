from django.urls import path, re_path

from . import basemap_views, public_views

app_name = "maps"
urlpatterns = [
    path("", public_views.public_map, name="public"),
    path("heatmap/", public_views.heatmap, name="heatmap"),
    path("entrants/<int:pk>/", public_views.entrant_map, name="entrant"),
    path("basemap.geojson", basemap_views.basemap_geojson, name="basemap"),
    # z/x/y as text: a bad one is answered in the API's error shape.
    re_path(
        r"^basemap/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.png$",
        basemap_views.basemap_tile,
        name="basemap-tile",
    ),
]
