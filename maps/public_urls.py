from django.urls import path

from . import public_views

app_name = "maps"
urlpatterns = [
    path("", public_views.public_map, name="public"),
    path("heatmap/", public_views.heatmap, name="heatmap"),
    path("entrants/<int:pk>/", public_views.entrant_map, name="entrant"),
]
