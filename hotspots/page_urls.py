from django.urls import path

from . import report_views, views

app_name = "hotspots"
urlpatterns = [
    path("", views.hotspot_list_page, name="list"),
    path("<int:pk>/", views.hotspot_detail_page, name="detail"),
    path("report/", report_views.report_page, name="report"),
    path("follow/<uuid:token>/", report_views.follow_page, name="follow"),
    path("queue/", views.queue_page, name="queue"),
    path("queue/<int:pk>/<slug:action>/", views.queue_action, name="queue-action"),
]
