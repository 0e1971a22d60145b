from django.urls import path

from . import coverage_apis

app_name = "coverage-api"
urlpatterns = [
    path("coverage/", coverage_apis.CoverageApi.as_view(), name="coverage"),
]
