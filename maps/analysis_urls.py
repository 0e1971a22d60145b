from django.urls import path

from . import analysis_views

app_name = "analysis"
urlpatterns = [
    path("", analysis_views.hexagon_page, name="hexagons"),
]
