from django.urls import path

from . import mine_views, report_views, views

app_name = "hotspots"
urlpatterns = [
    path("", views.hotspot_list_page, name="list"),
    path("<int:pk>/", views.hotspot_detail_page, name="detail"),
    path("report/", report_views.report_page, name="report"),
    path("follow/<uuid:token>/", report_views.follow_page, name="follow"),
    path("follow/<uuid:token>/status/", mine_views.follow_status, name="follow-status"),
    path("mine/", mine_views.my_reports_page, name="mine"),
    path("queue/", views.queue_page, name="queue"),
    path("queue/<int:pk>/<slug:action>/", views.queue_action, name="queue-action"),
]
