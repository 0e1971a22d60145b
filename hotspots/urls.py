from django.urls import path

from . import apis

app_name = "hotspots-api"
urlpatterns = [
    path("", apis.HotspotListCreateApi.as_view(), name="list"),
    path("nearby/", apis.HotspotNearbyApi.as_view(), name="nearby"),
    path("<int:pk>/", apis.HotspotDetailApi.as_view(), name="detail"),
    path("<int:pk>/confirm/", apis.HotspotConfirmApi.as_view(), name="confirm"),
    path("<int:pk>/verify/", apis.HotspotVerifyApi.as_view(), name="verify"),
    path("<int:pk>/reject/", apis.HotspotRejectApi.as_view(), name="reject"),
    path("<int:pk>/merge/", apis.HotspotMergeApi.as_view(), name="merge"),
    path("<int:pk>/priority/", apis.HotspotPriorityApi.as_view(), name="priority"),
    path("<int:pk>/correct/", apis.HotspotCorrectApi.as_view(), name="correct"),
]
