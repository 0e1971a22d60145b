from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_page, name="list"),
    path("read/", views.mark_all_read, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
