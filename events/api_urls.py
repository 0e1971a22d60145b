from django.urls import path

from . import apis, event_apis

app_name = "events-api"
urlpatterns = [
    path("campaigns/", apis.CampaignListApi.as_view(), name="campaign-list"),
    path(
        "campaigns/<slug:slug>/",
        apis.CampaignDetailApi.as_view(),
        name="campaign-detail",
    ),
    path("entrants/", apis.EntrantListApi.as_view(), name="entrant-list"),
    path("entrants/<int:pk>/", apis.EntrantDetailApi.as_view(), name="entrant-detail"),
    path(
        "entrants/<int:pk>/approve/",
        apis.EntrantApproveApi.as_view(),
        name="entrant-approve",
    ),
    path(
        "entrants/<int:pk>/reject/",
        apis.EntrantRejectApi.as_view(),
        name="entrant-reject",
    ),
    path("events/", event_apis.EventListCreateApi.as_view(), name="event-list"),
    path("events/<int:pk>/", event_apis.EventDetailApi.as_view(), name="event-detail"),
]
