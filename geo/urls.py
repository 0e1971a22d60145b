from django.urls import path

from . import apis

app_name = "geo"
urlpatterns = [
    path("areas/", apis.AreaListApi.as_view(), name="area-list"),
    path("areas/locate/", apis.AreaLocateApi.as_view(), name="area-locate"),
]
