"""Certificates: the public verification page (the QR code's target) and the PDF."""

from django.urls import path

from events.results import views as results_views

app_name = "certificates"
urlpatterns = [
    path("<slug:code>.pdf", results_views.certificate_download, name="pdf"),
    path("<slug:code>/", results_views.certificate_verify, name="verify"),
]
