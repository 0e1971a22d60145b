from django.urls import path

from . import coverage_views

app_name = "coverage"
urlpatterns = [
    path("", coverage_views.coverage_page, name="page"),
]
