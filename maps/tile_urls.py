from django.urls import path, re_path

from . import tile_views

app_name = "tiles"
urlpatterns = [
    path("<slug:layer>.json", tile_views.tilejson, name="tilejson"),
    # z/x/y as text: tile_views answers a bad one in the API's error shape.
    re_path(
        r"^(?P<layer>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt$",
        tile_views.tile,
        name="tile",
    ),
]
