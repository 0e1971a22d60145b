"""Open311 GeoReport v2 URLs: every document as .json and .xml (the suffix decides)."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"
# Ids and codes are checked in the views, so a bad one is a 404 in the standard shape.
urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.DiscoveryApi.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListApi.as_view(), name="services"),
    re_path(
        r"^services/(?P<service_code>[^/.]{1,64})" + FORMAT,
        views.ServiceDefinitionApi.as_view(),
        name="service",
    ),
    re_path(
        r"^requests" + FORMAT, views.RequestListCreateApi.as_view(), name="requests"
    ),
    re_path(
        r"^requests/(?P<request_id>[^/.]{1,64})" + FORMAT,
        views.RequestDetailApi.as_view(),
        name="request",
    ),
    re_path(
        r"^tokens/(?P<token>[^/.]{1,64})" + FORMAT,
        views.TokenApi.as_view(),
        name="token",
    ),
    # Anything else (no format, another format, an unknown path): a GeoReport
    # error document, never the site's HTML 404 page.
    # ([\s\S], not ".": a path may hold an encoded newline.)
    re_path(r"^(?P<path>[\s\S]*)$", views.unknown_path, name="unknown"),
]
