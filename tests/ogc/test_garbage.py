"""Garbage in every parameter and path segment of /ogc/: a 200 or a 4xx
exception document, never a 500 nor an HTML page."""

from urllib.parse import quote

from django.urls import reverse

from ogc import collections

GARBAGE = [
    "\x00",
    "a\nb",
    "a\x00b",
    "9" * 400,
    "-" + "9" * 30,
    "1e309",
    "-1e309",
    "nan",
    "inf",
    " ",
    "١٠٧",
    "%",
    "a" * 5000,
    "🙂",
    "1,2,3,4",
    "107,16,108,17",
    "../..",
    "/",
    "null",
    "[]",
    "{}",
    "true",
    "0",
    "-1",
    "2024-02-30T00:00:00Z",
    "99999-01-01T00:00:00Z",
    "2024-06-02T25:00:00+99:00",
    "9999-12-31",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31/..",
    "../0001-01-01",
    "9" * 18,
]


def _assert_handled(response, url):
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    kind = response["Content-Type"]
    assert kind in ("application/json", "application/geo+json"), (url, kind)
    if response.status_code != 200:
        assert set(response.json()) == {"code", "description"}


def test_garbage_in_every_items_parameter(scenario, client):
    for collection in collections.catalog().values():
        url = reverse("ogc:items", args=[collection.id])
        for name in (*collection.parameters, "unknown"):
            for value in GARBAGE:
                _assert_handled(client.get(url, {name: value}), (url, name, value))


def test_garbage_in_the_other_documents(scenario, client):
    for name in ("ogc:landing", "ogc:conformance", "ogc:collections", "ogc:api"):
        url = reverse(name)
        for value in GARBAGE:
            _assert_handled(client.get(url, {"f": value}), (url, value))
            _assert_handled(client.get(url, {value: "1"}), (url, value))


def test_garbage_in_path_segments(scenario, client):
    for value in GARBAGE:
        segment = quote(value, safe="")
        for path in (
            f"/ogc/collections/{segment}",
            f"/ogc/collections/{segment}/items",
            f"/ogc/collections/{segment}/queryables",
            f"/ogc/collections/hotspots/items/{segment}",
            f"/ogc/collections/events/items/{segment}",
            f"/ogc/collections/areas-district/items/{segment}",
            f"/ogc/collections/coverage-thu-nghiem-district/items/{segment}",
            f"/ogc/collections/areas-{segment}/items",
            f"/ogc/collections/coverage-{segment}-district/items",
            f"/ogc/{segment}",
        ):
            _assert_handled(client.get(path), path)
