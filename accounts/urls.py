from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.sign_up, name="signup"),
    path("me/", views.my_account, name="me"),
    path("me/data.json", views.my_account_data, name="me-data"),
    path("me/delete/", views.my_account_delete, name="me-delete"),
]
