"""Shared by the Open311 tests: URLs, test locations, the error-shape check."""

import xml.etree.ElementTree as ET

from django.urls import reverse

HUE = (107.5786, 16.4698)  # Đại Nội, Thành phố Huế
EMAIL = "an.nguyen@example.com"
PHONE = "0905 123 456"
PHONE_DIGITS = "905123456"
XML_TYPE = "text/xml; charset=utf-8"


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def spot(index: int) -> tuple[float, float]:
    """Return the index-th test location, ~110 m apart (beyond the 50 m radius)."""
    return HUE[0] + 0.001 * index, HUE[1]


def xml(response) -> ET.Element:
    assert response["Content-Type"] == XML_TYPE
    return ET.fromstring(response.content)


def assert_error(response, status: int, field: str | None = None) -> str:
    """Check the GeoReport error shape (JSON or XML); return the description."""
    assert response.status_code == status, response.content
    if response["Content-Type"] == XML_TYPE:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        assert root.findtext("error/code") == str(status)
        description = root.findtext("error/description")
    else:
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        assert body[0]["code"] == status
        description = body[0]["description"]
    assert description
    if field is not None:
        assert description.startswith(f"{field}: "), description
    return description


def report_form(**extra) -> dict:
    body = {"service_code": "plastic", "lat": str(HUE[1]), "long": str(HUE[0])}
    body.update(extra)
    return body


def post_form(client, body: dict, fmt: str = "json", **headers):
    # The standard's POST is application/x-www-form-urlencoded.
    from urllib.parse import urlencode

    return client.post(
        url("requests", fmt),
        urlencode(body),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def ids(response) -> list[int]:
    return [item["service_request_id"] for item in response.json()]
