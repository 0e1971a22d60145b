"""Open311 round trips with a GeoReport v2 client library (georeport, over HTTP to
a live test server on localhost), and error documents for every path kind."""

import pytest
import requests
from georeport import GeoReport

from hotspots.models import Hotspot, Status
from tests.hotspots.open311.helpers import HUE, assert_error, xml

ROOT = "/open311/v2/"


@pytest.fixture
def client_for(live_server, demo_areas_tx):
    def make(fmt: str) -> GeoReport:
        return GeoReport(live_server.url + ROOT, output_format=fmt)

    return make


def post(live_server, fmt: str, **extra) -> requests.Response:
    body = {
        "service_code": "plastic",
        "lat": str(HUE[1]),
        "long": str(HUE[0]),
        "description": "Túi ni lông dưới chân cầu Trường Tiền",
        "email": "an.nguyen@example.com",
        "first_name": "An",
        "attribute[contact_consent]": "true",
        **extra,
    }
    # GeoReport's POST is form-encoded; the library reads, requests posts.
    return requests.post(
        f"{live_server.url}{ROOT}requests.{fmt}", data=body, timeout=10
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posted_request_reads_back_at_once_by_id(live_server, client_for, fmt):
    posted = post(live_server, fmt)
    assert posted.status_code == 201, posted.text
    if fmt == "json":
        request_id = posted.json()[0]["service_request_id"]
    else:
        request_id = int(xml_text(posted.content, "request/service_request_id"))
    client = client_for(fmt)
    item = client.get_service_request(str(request_id))
    assert str(item["service_request_id"]) == str(request_id)
    assert item["status"] == "open"
    assert item["service_code"] == "plastic"
    # Not verified yet: no description, no photo; never personal data.
    assert not item["description"] and not item["media_url"]
    assert float(item["lat"]) == pytest.approx(HUE[1], abs=0.0006)
    assert float(item["long"]) == pytest.approx(HUE[0], abs=0.0006)
    raw = requests.get(
        f"{live_server.url}{ROOT}requests/{request_id}.{fmt}", timeout=10
    ).content
    for secret in (b"an.nguyen@example.com", "Túi ni lông".encode(), b"An<"):
        assert secret not in raw
    # The same through the list by id, as the library offers it.
    listed = client.get_service_requests(service_request_id=str(request_id))
    listed = listed if isinstance(listed, list) else [listed]
    assert [str(r["service_request_id"]) for r in listed] == [str(request_id)]
    assert Hotspot.objects.get(pk=request_id).status == Status.REPORTED


def test_library_reads_the_catalogue(client_for):
    client = client_for("json")
    codes = [s["service_code"] for s in client.get_service_list()]
    assert "plastic" in codes
    definition = client.get_service_definition("plastic")
    assert definition["attributes"][0]["code"] == "size_class"


def xml_text(content: bytes, path: str) -> str:
    import xml.etree.ElementTree as ET

    return ET.fromstring(content).findtext(path)


# --- error documents -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("requests", "json"),  # no format: JSON
        ("requests.txt", "json"),  # another format: JSON
        ("requests.XML.bak", "json"),
        ("services", "json"),
        ("discovery", "json"),
        ("requests/12", "json"),
        ("nothing-here.json", "json"),
        ("nothing-here.xml", "xml"),
        ("requests/1/2.xml", "xml"),
        ("requests.json/", "json"),
        ("", "json"),  # the root itself
        ("discovery.7\t\nTY", "json"),  # control characters, a newline
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_every_other_path_is_a_georeport_404(db, api_client, path, fmt, method):
    response = getattr(api_client, method)(ROOT + path)
    description = assert_error(response, 404)
    expected = "text/xml" if fmt == "xml" else "application/json"
    assert response["Content-Type"].startswith(expected)
    assert b"<html" not in response.content.lower()
    if path in ("requests", "services", "discovery"):
        assert f"{path}.json" in description and f"{path}.xml" in description


def test_missing_format_is_explained_in_english_on_request(db, api_client):
    response = api_client.get(ROOT + "requests", HTTP_ACCEPT_LANGUAGE="en")
    description = assert_error(response, 404)
    assert "requests.json" in description and "format" in description.lower()
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "path",
    ["requests/999999.{fmt}", "requests/abc.{fmt}", "services/recycling.{fmt}"],
)
def test_unknown_ids_are_404_documents_in_the_requested_format(
    db, api_client, fmt, path
):
    response = api_client.get(ROOT + path.format(fmt=fmt))
    assert_error(response, 404)
    assert response["Content-Type"].startswith(
        "text/xml" if fmt == "xml" else "application/json"
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_tokens_are_never_issued_so_every_token_is_not_found(db, api_client, fmt):
    response = api_client.get(f"{ROOT}tokens/12345.{fmt}")
    description = assert_error(response, 404)
    assert "service_request_id" in description
    # The POST answers with the id itself, never a token.
    posted = api_client.post(
        f"{ROOT}requests.json",
        {"service_code": "plastic", "lat": str(HUE[1]), "long": str(HUE[0])},
    )
    assert posted.status_code == 201
    [receipt] = posted.json()
    assert isinstance(receipt["service_request_id"], int) and "token" not in receipt


def test_wrong_method_on_tokens_is_405_document(db, api_client):
    assert_error(api_client.post(f"{ROOT}tokens/1.json"), 405)


# --- limits ----------------------------------------------------------------------


def test_discovery_documents_the_limits(db, api_client, settings):
    body = api_client.get(ROOT + "discovery.json").json()
    limits = body["limits"]
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert limits["post_rate_anonymous"] == rates["report_anon"]
    assert limits["post_rate_signed_in"] == rates["report_user"]
    assert limits["page_size_default"] == 50 and limits["page_size_max"] == 200
    assert limits["service_request_ids_max"] == 200
    assert "description" in limits["public_fields"]
    assert "email" not in limits["public_fields"]
    assert any(rates["report_anon"] in note for note in limits["notes"])
    # The limits are the ones enforced: one more than the maximum page is a 400.
    assert_error(
        api_client.get(ROOT + "requests.json", {"page_size": "201"}), 400, "page_size"
    )
    root = xml(api_client.get(ROOT + "discovery.xml"))
    assert root.findtext("limits/page_size_max") == "200"
    assert len(root.findall("limits/notes/note")) == len(limits["notes"])
    assert root.find("limits/public_fields/field") is not None
