"""Open311 discovery and services at /open311/v2/: request -> response."""

import pytest

from hotspots.models import Category
from tests.hotspots.open311.helpers import assert_error, url, xml


def test_discovery_names_the_georeport_endpoint_in_json(db, api_client):
    response = api_client.get(url("discovery"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["changeset"] and body["contact"] and body["key_service"]
    [endpoint] = body["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2/",
        "changeset": body["changeset"],
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }


def test_discovery_in_xml_repeats_child_elements(db, api_client):
    root = xml(api_client.get(url("discovery", "xml")))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_are_the_hotspot_categories(db, api_client):
    body = api_client.get(url("services")).json()
    assert [s["service_code"] for s in body] == Category.values
    plastic = body[0]
    assert plastic["service_name"] == "Rác thải nhựa"
    assert plastic["metadata"] is True
    assert plastic["type"] == "realtime"
    assert plastic["group"] == "waste"
    assert "nhựa" in plastic["keywords"] and plastic["description"]
    hyacinth = next(s for s in body if s["service_code"] == "water_hyacinth")
    assert hyacinth["group"] == "waterways"


def test_services_in_xml(db, api_client):
    root = xml(api_client.get(url("services", "xml")))
    assert root.tag == "services"
    services_ = root.findall("service")
    assert [s.findtext("service_code") for s in services_] == Category.values
    assert services_[0].findtext("metadata") == "true"
    assert services_[0].findtext("service_name") == "Rác thải nhựa"


def test_service_definition_offers_size_classes(db, api_client):
    body = api_client.get(url("service", service_code="plastic")).json()
    assert body["service_code"] == "plastic"
    [attribute] = body["attributes"]
    assert attribute["code"] == "size_class"
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["required"] is False and attribute["variable"] is True
    assert [v["key"] for v in attribute["values"]] == [
        "bag",
        "several_bags",
        "cart",
        "truck",
    ]
    assert attribute["values"][1]["name"] == "Vài túi / bao"


def test_service_definition_in_english_and_xml(db, api_client):
    response = api_client.get(
        url("service", "xml", service_code="water_hyacinth"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    root = xml(response)
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("required") == "false"
    values = attribute.findall("values/value")
    assert [v.findtext("key") for v in values][:2] == ["bag", "several_bags"]
    assert values[1].findtext("name") == "Several bags"
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404_in_error_shape(db, api_client, fmt):
    response = api_client.get(url("service", fmt, service_code="recycling"))
    assert "recycling" in assert_error(response, 404)
