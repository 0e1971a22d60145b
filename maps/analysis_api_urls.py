from django.urls import path

from . import analysis_apis

app_name = "analysis-api"
urlpatterns = [
    path(
        "coverage/hexagons/",
        analysis_apis.HexagonCoverageApi.as_view(),
        name="hexagons",
    ),
    path("coverage/gaps/", analysis_apis.CoverageGapsApi.as_view(), name="gaps"),
    path("analysis/clusters/", analysis_apis.ClusterApi.as_view(), name="clusters"),
]
