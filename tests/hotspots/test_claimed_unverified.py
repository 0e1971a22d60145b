"""A report a team claims in a cleanup event before any organiser verified it
stays non-public (issue 13: no moderation bypass) until an organiser verifies it.

End to end: the claim through event_log, every public surface (API list and
detail, page detail, public map, vector tiles, CSV export, OGC items, Open311)
for anonymous and organiser, the organisers' queue flag, then verification.
"""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from events.models import EventStatus
from hotspots import services
from hotspots.models import Action, Hotspot, Status
from tests import builders
from tests.maps.test_public_maps import shown_total
from tests.tiles import features

SECRET = "Bãi rác chưa kiểm duyệt XQZ"


@pytest.fixture
def claimed(contest):
    """A fresh report (never verified) claimed by the team's event."""
    spot = builders.hotspot(location=builders.at(0), description=SECRET)
    event = builders.event(
        entrant=contest.entrant, location=builders.at(0), hotspot_ids=[spot.pk]
    )
    return Hotspot.objects.get(pk=spot.pk), event


@pytest.fixture
def organiser_client(claimed):
    """The organiser signed in once the scenario is built (building it upserts
    the account, which would end an earlier session)."""
    client = Client()
    client.force_login(builders.organiser())
    return client


def _public_surfaces(client: Client, spot: Hotspot) -> dict[str, bool]:
    """Return, per public surface, whether the hotspot (or its text) shows there."""
    listed = client.get(reverse("api:hotspots-api:list")).json()
    api_ids = {f["id"] for f in listed["features"]}
    csv_text = b"".join(
        client.get(
            reverse("exports:export", args=["hotspots", "csv"])
        ).streaming_content
    ).decode("utf-8-sig")
    csv_ids = {row[0] for row in list(csv.reader(io.StringIO(csv_text)))[1:]}
    ogc = client.get(reverse("ogc:items", args=["hotspots"])).json()
    open311 = client.get(reverse("open311:requests", args=["json"])).json()
    tile_ids = {f["id"] for f in features(client, "hotspots", 18, [spot.location])}
    return {
        "api_list": spot.pk in api_ids,
        "api_detail": client.get(
            reverse("api:hotspots-api:detail", args=[spot.pk])
        ).status_code
        == 200,
        "page_detail": client.get(spot.get_absolute_url()).status_code == 200,
        "page_list": f'href="{spot.get_absolute_url()}"'
        in client.get(reverse("hotspots:list")).content.decode(),
        # The public map is tiles plus a count (tests/maps/test_public_maps.py).
        "map": shown_total(client.get(reverse("maps:public")).content.decode()) == 1,
        "tiles": spot.pk in tile_ids,
        "csv": str(spot.pk) in csv_ids,
        "ogc_items": any(f["id"] == spot.pk for f in ogc["features"]),
        "ogc_item": client.get(
            reverse("ogc:item", args=["hotspots", spot.pk])
        ).status_code
        == 200,
        "open311": any(str(r["service_request_id"]) == str(spot.pk) for r in open311),
        # Read back by id whatever its status (a client that just filed it),
        # but its text, photo and exact point only once public.
        "open311_one": SECRET
        in client.get(reverse("open311:request", args=[spot.pk, "json"])).json()[0][
            "description"
        ],
    }


def test_a_claim_of_an_unverified_report_keeps_it_out_of_every_public_surface(
    claimed, client
):
    spot, _event = claimed
    assert spot.status == Status.CLEANED_UNVERIFIED
    assert not spot.is_public
    assert not Hotspot.objects.public().filter(pk=spot.pk).exists()
    shown = _public_surfaces(client, spot)
    assert not any(shown.values()), shown


def test_organisers_see_the_claimed_report_and_its_reporter_sees_it(
    claimed, organiser_client
):
    spot, _event = claimed
    detail = organiser_client.get(reverse("api:hotspots-api:detail", args=[spot.pk]))
    assert detail.status_code == 200
    assert detail.json()["properties"]["status"] == "cleaned_unverified"
    assert organiser_client.get(spot.get_absolute_url()).status_code == 200
    listed = organiser_client.get(
        reverse("api:hotspots-api:list"), {"status": "cleaned_unverified"}
    ).json()
    assert [f["id"] for f in listed["features"]] == [spot.pk]


def test_the_queue_flags_the_claim_with_the_event_and_offers_verification(
    claimed, organiser_client
):
    spot, event = claimed
    page = organiser_client.get(reverse("hotspots:queue")).content.decode()
    assert f'data-hotspot="{spot.pk}"' in page
    assert 'data-testid="claimed-unverified"' in page
    assert reverse("events:event", args=[event.pk]) in page
    assert reverse("hotspots:queue-action", args=[spot.pk, "verify"]) in page
    assert reverse("hotspots:queue-action", args=[spot.pk, "merge"]) not in page
    only = organiser_client.get(
        reverse("hotspots:queue"), {"status": "cleaned_unverified"}
    ).content.decode()
    assert f'data-hotspot="{spot.pk}"' in only


def test_verifying_the_claimed_report_makes_it_public_as_cleaned(
    claimed, client, organiser_client
):
    spot, _event = claimed
    response = organiser_client.post(
        reverse("api:hotspots-api:verify", args=[spot.pk]),
        data=json.dumps({"reason": ""}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    spot.refresh_from_db()
    assert spot.status == Status.CLEANED
    last = spot.history.order_by("-at", "-id").first()
    assert (last.action, last.from_status, last.to_status) == (
        Action.VERIFY,
        Status.CLEANED_UNVERIFIED,
        Status.CLEANED,
    )
    shown = _public_surfaces(client, spot)
    assert all(shown.values()), shown


def test_verifying_in_the_queue_page_publishes_it(claimed, organiser_client):
    spot, _event = claimed
    url = reverse("hotspots:queue-action", args=[spot.pk, "verify"])
    assert organiser_client.post(url, {"reason": ""}).status_code == 302
    assert Hotspot.objects.get(pk=spot.pk).status == Status.CLEANED


def test_a_claim_of_a_verified_hotspot_makes_it_cleaned_and_public(contest):
    spot = builders.hotspot(location=builders.at(0), status=Status.VERIFIED)
    builders.event(
        entrant=contest.entrant, location=builders.at(0), hotspot_ids=[spot.pk]
    )
    spot.refresh_from_db()
    assert spot.status == Status.CLEANED and spot.is_public


def test_a_rejected_event_returns_the_claimed_report_to_reported(claimed, contest):
    spot, event = claimed
    builders.decision(event=event, judge=contest.judge, verdict="reject")
    event.refresh_from_db()
    assert event.status == EventStatus.REJECTED
    assert Hotspot.objects.get(pk=spot.pk).status == Status.REPORTED


def test_a_rejected_event_keeps_a_report_verified_after_the_claim(
    claimed, contest, organiser
):
    spot, event = claimed
    services.hotspot_verify(hotspot=spot, actor=organiser)
    builders.decision(event=event, judge=contest.judge, verdict="reject")
    assert Hotspot.objects.get(pk=spot.pk).status == Status.VERIFIED


def test_organisers_may_reject_a_claimed_report(claimed, organiser):
    spot, _event = claimed
    services.hotspot_reject(hotspot=spot, actor=organiser, reason="Không phải rác")
    assert Hotspot.objects.get(pk=spot.pk).status == Status.REJECTED


def test_a_claimed_report_cannot_be_claimed_again(claimed, contest):
    from events.errors import ContestError

    spot, _event = claimed
    with pytest.raises(ContestError):
        builders.event(
            entrant=contest.entrant,
            location=builders.at(0),
            hotspot_ids=[spot.pk],
            hours_ago=60,
        )


def test_the_data_migration_takes_back_claims_of_unverified_reports(
    demo_areas, organiser
):
    """Rows claimed before this fix (straight to "cleaned") go back to the queue;
    verified ones and ones with no history stay public."""
    import importlib

    from django.db import connection

    migration = importlib.import_module(
        "hotspots.migrations.0009_unpublish_claimed_unverified"
    )
    bypassed = builders.hotspot(location=builders.at(0))
    Hotspot.objects.filter(pk=bypassed.pk).update(status=Status.CLEANED)
    bypassed.history.create(
        action=Action.CLEAN, from_status=Status.REPORTED, to_status=Status.CLEANED
    )
    moderated = builders.hotspot(location=builders.at(1), status=Status.CLEANED)
    generated = builders.hotspot(location=builders.at(2))
    Hotspot.objects.filter(pk=generated.pk).update(status=Status.CLEANED)
    generated.history.all().delete()
    for _run in range(2):  # re-runnable
        with connection.cursor() as cursor:
            cursor.execute(migration.FORWARD)
        statuses = dict(
            Hotspot.objects.filter(
                pk__in=[bypassed.pk, moderated.pk, generated.pk]
            ).values_list("pk", "status")
        )
        assert statuses == {
            bypassed.pk: Status.CLEANED_UNVERIFIED,
            moderated.pk: Status.CLEANED,
            generated.pk: Status.CLEANED,
        }


def test_the_jury_sees_a_flag_on_an_event_that_claimed_an_unverified_report(
    claimed, organiser
):
    from events.cleanups.flags import event_flags

    spot, event = claimed
    flags = {flag.code: flag for flag in event_flags(event)}
    assert flags["claimed_unverified"].details == {"hotspots": [spot.pk]}
    assert f"#{spot.pk}" in flags["claimed_unverified"].message
    services.hotspot_verify(hotspot=spot, actor=organiser)
    assert "claimed_unverified" not in {f.code for f in event_flags(event)}


def test_nearby_and_confirm_show_an_unverified_report_without_its_text_or_photos(
    demo_areas, api_client, organiser
):
    """Nearby lists fresh reports so a second resident confirms instead of filing
    a duplicate: the point and kind, not the reporter's words and photos."""
    from tests.hotspots.test_api import jpeg

    fresh = services.hotspot_report(
        location=builders.at(0),
        category="plastic",
        size_class=builders.SizeClass.objects.get(key="bag"),
        description=SECRET,
        images=[services.photo_pipeline.sanitize(_upload(jpeg()))],
    ).hotspot
    public = builders.hotspot(location=builders.at(1), status=Status.VERIFIED)
    services.hotspot_add_photos(
        hotspot=public,
        images=[services.photo_pipeline.sanitize(_upload(jpeg()))],
    )
    near = api_client.get(
        reverse("api:hotspots-api:nearby"),
        {"lon": builders.at(0).x, "lat": builders.at(0).y, "radius_m": 500},
    ).json()
    by_id = {f["id"]: f["properties"] for f in near["features"]}
    assert (by_id[fresh.pk]["description"], by_id[fresh.pk]["photos"]) == ("", [])
    assert len(by_id[public.pk]["photos"]) == 1
    confirmed = api_client.post(reverse("api:hotspots-api:confirm", args=[fresh.pk]))
    assert confirmed.status_code == 200
    properties = confirmed.json()["properties"]
    assert (properties["description"], properties["photos"]) == ("", [])
    assert properties["confirmation_count"] == 1
    assert SECRET not in confirmed.content.decode()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", data, content_type="image/jpeg")
