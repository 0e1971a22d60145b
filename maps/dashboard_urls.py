from django.urls import path

from . import dashboard_views

app_name = "dashboard"
urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="index"),
    path("embed/map/", dashboard_views.embed_map, name="embed"),
]
