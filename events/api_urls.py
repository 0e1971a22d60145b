from django.urls import path

from events.campaigns import apis
from events.cleanups import apis as event_apis
from events.judging import apis as review_apis
from events.results import apis as results_apis

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
    path(
        "events/<int:pk>/decisions/",
        review_apis.EventDecisionsApi.as_view(),
        name="event-decisions",
    ),
    path(
        "events/<int:pk>/info-requests/",
        review_apis.EventInfoRequestsApi.as_view(),
        name="event-info-requests",
    ),
    path(
        "events/<int:pk>/review/",
        review_apis.EventReviewApi.as_view(),
        name="event-review",
    ),
    path(
        "campaigns/<slug:slug>/leaderboard/",
        review_apis.LeaderboardApi.as_view(),
        name="leaderboard",
    ),
    path(
        "campaigns/<slug:slug>/leaderboard/<int:entrant_id>/",
        review_apis.LeaderboardEntrantApi.as_view(),
        name="leaderboard-entrant",
    ),
    path(
        "campaigns/<slug:slug>/freeze/",
        results_apis.CampaignFreezeApi.as_view(),
        name="campaign-freeze",
    ),
    path(
        "campaigns/<slug:slug>/reopen/",
        results_apis.CampaignReopenApi.as_view(),
        name="campaign-reopen",
    ),
    path(
        "campaigns/<slug:slug>/results/",
        results_apis.CampaignResultsApi.as_view(),
        name="campaign-results",
    ),
]
