"""Personal data never reaches /ogc/: every collection, every page, every item."""

import pytest
from django.urls import reverse

from events.models import Participant, RepresentativeContact
from hotspots.models import ReporterContact
from tests.maps.test_coverage import SECRETS

from .test_features import _walk

# The names personal data goes by in this project's models and staff
# serializers (accounts' privacy registry, hotspots' and events' staff views).
PERSONAL_KEYS = {
    "reporter",
    "reporter_id",
    "reporter_contacts",
    "contact",
    "contacts",
    "email",
    "phone",
    "full_name",
    "date_of_birth",
    "dob",
    "participants",
    "representative",
    "notes",
    "follow_token",
    "history",
    "actor",
    "channel",
    "client_uuid",
    "consent_at",
}
EXTRA_SECRETS = ("0912345678", "1995-04-12", "12/04/1995")


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            # Coverage's "participants" is a head count per area, not people.
            if not (key == "participants" and isinstance(inner, int)):
                yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def _assert_clean(body: bytes, data) -> None:
    text = body.decode()
    for secret in (*SECRETS, *EXTRA_SECRETS):
        assert secret not in text, secret
    leaked = PERSONAL_KEYS & set(_keys(data))
    assert not leaked, leaked


def test_the_scenario_holds_personal_data_to_leak(scenario):
    # The walk below can fail only if there is something to find.
    assert ReporterContact.objects.filter(email="bao.cao@example.vn").exists()
    assert Participant.objects.filter(full_name="Trần Văn Minh").exists()
    assert RepresentativeContact.objects.filter(email="lan@example.vn").exists()


def test_no_collection_shows_personal_data(scenario, client):
    collections = client.get("/ogc/collections").json()["collections"]
    assert len(collections) == 6
    for collection in collections:
        response = client.get(reverse("ogc:collection", args=[collection["id"]]))
        _assert_clean(response.content, response.json())
        features, bodies = _walk(
            client, reverse("ogc:items", args=[collection["id"]]), limit=1
        )
        assert features, collection["id"]
        for body, feature in zip(bodies, features, strict=True):
            _assert_clean(body, feature)
        for feature in features:
            response = client.get(
                reverse("ogc:item", args=[collection["id"], feature["id"]])
            )
            assert response.status_code == 200
            _assert_clean(response.content, response.json())


@pytest.mark.parametrize("path", ["/ogc/", "/ogc/api", "/ogc/conformance"])
def test_the_documents_show_no_personal_data(scenario, client, path):
    response = client.get(path)
    _assert_clean(response.content, response.json())


def test_an_entrant_that_did_not_consent_stays_unnamed(scenario, client):
    features, _ = _walk(client, reverse("ogc:items", args=["events"]))
    names = {feature["properties"]["entrant_name"] for feature in features}
    assert "Đội Phá Tam Giang" in names  # consented to publish its name
    assert "Đội Sông Hương" not in names
