"""GeoReport JSON and XML rendering and the error mapping: pure, no database."""

import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions

from config.api import ApiError
from config.errors import ClientError
from hotspots.models import Category
from hotspots.open311.rendering import error_for, render, service

PAYLOAD = [
    {
        "service_request_id": 7,
        "expected_datetime": None,
        "metadata": True,
        "extended_attributes": {"areas": ["Phường Thuận Hoá", "Huế"]},
    }
]


def test_json_is_the_payload_as_is():
    response = render("json", PAYLOAD, root="service_requests", status=201)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content.decode() == (
        '[{"service_request_id":7,"expected_datetime":null,"metadata":true,'
        '"extended_attributes":{"areas":["Phường Thuận Hoá","Huế"]}}]'
    )


def test_xml_repeats_list_items_under_their_list_name():
    response = render("xml", PAYLOAD, root="service_requests")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == "7"
    assert request.find("expected_datetime").text is None  # present, empty
    assert request.findtext("metadata") == "true"
    areas = request.findall("extended_attributes/areas/area")
    assert [area.text for area in areas] == ["Phường Thuận Hoá", "Huế"]


def test_xml_drops_characters_it_cannot_carry_and_escapes_the_rest():
    payload = [{"description": "a\x00b\x0bc\ufffe <&> \U0001f5d1"}]
    root = ET.fromstring(render("xml", payload, root="service_requests").content)
    assert root.findtext("request/description") == "abc <&> \U0001f5d1"


def test_every_category_is_a_realtime_service():
    for category in Category:
        entry = service(category)
        assert entry["service_code"] == category.value
        assert entry["type"] == "realtime"
        assert entry["metadata"] is True
        assert entry["description"] and entry["keywords"]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ClientError("outside", "Ngoài vùng", field="lat"), (400, "lat: Ngoài vùng")),
        (ApiError("Sai", code="invalid", field="page"), (400, "page: Sai")),
        (ApiError("Không có", code="nf", status=404), (404, "Không có")),
        (
            exceptions.ValidationError({"outline": {"coordinates": ["Sai toạ độ"]}}),
            (400, "outline.coordinates: Sai toạ độ"),
        ),
        (
            exceptions.ValidationError({"non_field_errors": ["Thiếu dữ liệu"]}),
            (400, "Thiếu dữ liệu"),
        ),
        (
            exceptions.MethodNotAllowed("PUT"),
            (405, "Phương thức “PUT” không được chấp nhận."),
        ),
    ],
)
def test_client_errors_keep_their_status_and_name_the_field(exc, expected):
    status, description, headers = error_for(exc)
    assert (status, description) == expected
    assert headers == {}


def test_throttling_says_when_to_retry_in_whole_seconds():
    status, _, headers = error_for(exceptions.Throttled(wait=12.2))
    assert status == 429
    assert headers == {"Retry-After": "13"}


@pytest.mark.parametrize(
    ("exc", "status"), [(RequestDataTooBig(), 413), (Http404(), 404)]
)
def test_django_errors_become_georeport_errors(exc, status):
    assert error_for(exc)[0] == status


def test_server_faults_are_not_client_errors():
    assert error_for(ZeroDivisionError()) is None
