from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [path("", views.job_list_page, name="list")]
