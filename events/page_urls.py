from django.urls import path

from events.campaigns import organiser_views as campaign_views
from events.campaigns import views
from events.cleanups import views as event_views
from events.judging import views as review_views
from events.results import views as results_views

app_name = "events"
# Fixed paths first: a campaign slug never shadows "me" or "registrations".
urlpatterns = [
    path("", views.campaign_current, name="campaign-current"),
    path("new/", campaign_views.campaign_new, name="campaign-new"),
    path("me/", views.my_entrant_page, name="my-entrant"),
    path("me/data.json", views.my_data, name="my-data"),
    path(
        "me/deletion-request/",
        views.my_deletion_request,
        name="my-deletion-request",
    ),
    path("entrants/<int:pk>/", views.entrant_page, name="entrant"),
    path("events/new/", event_views.event_new_page, name="event-new"),
    path("events/<int:pk>/", event_views.event_page, name="event"),
    path(
        "events/<int:pk>/answer/",
        event_views.event_answer_page,
        name="event-answer",
    ),
    path(
        "events/<int:pk>/review/",
        review_views.event_review_one,
        name="event-review-one",
    ),
    path(
        "registrations/<int:pk>/<slug:action>/",
        views.registration_action,
        name="registration-action",
    ),
    path("<slug:slug>/", views.campaign_page, name="campaign"),
    path("<slug:slug>/edit/", campaign_views.campaign_edit, name="campaign-edit"),
    path("<slug:slug>/register/", views.register_page, name="register"),
    path(
        "<slug:slug>/registrations/",
        views.registrations_page,
        name="registrations",
    ),
    path("<slug:slug>/events/", event_views.event_review_page, name="event-review"),
    path(
        "<slug:slug>/leaderboard/",
        review_views.leaderboard_page,
        name="leaderboard",
    ),
    path(
        "<slug:slug>/leaderboard/<int:entrant_id>/",
        review_views.leaderboard_entrant_page,
        name="leaderboard-entrant",
    ),
    path(
        "<slug:slug>/export/<slug:kind>.<slug:fmt>",
        views.export,
        name="export",
    ),
    path("<slug:slug>/results/", results_views.results_page, name="results"),
    path(
        "<slug:slug>/results/manage/",
        results_views.results_manage,
        name="results-manage",
    ),
    path(
        "<slug:slug>/results/export.<slug:fmt>",
        results_views.results_export,
        name="results-export",
    ),
    path(
        "<slug:slug>/certificates.zip",
        results_views.certificates_zip,
        name="certificates-zip",
    ),
]
