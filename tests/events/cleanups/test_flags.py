"""Plausibility flags: each fires in a case built for it and stays quiet otherwise.

Events are logged through events.cleanups.services.event_log on fixed 2024 dates
(`now=`), so nothing here depends on the real date.
"""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from PIL import Image

from events.cleanups.flags import Flag, event_flags, flags_for
from events.cleanups.services import event_log
from events.models import CleanupEvent
from hotspots import photos as photo_pipeline
from hotspots.models import SizeClass
from hotspots.services import hotspot_report, hotspot_verify
from tests import builders

ICT = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has no DST
NOW = dt.datetime(2024, 7, 1, 12, 0, tzinfo=ICT)
HUE = (107.5786, 16.4698)
TWENTY_M_EAST = (107.5786 + 0.00019, 16.4698)
# About 530 m east: beyond the 300 m flag threshold, within the 900 m refusal radius.
HALF_KM_EAST = (107.5786 + 0.005, 16.4698)


def when(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2024, 6, day, hour, 0, tzinfo=ICT)


def photo(seed: int) -> photo_pipeline.CleanImage:
    rng = random.Random(seed)
    small = Image.new("L", (16, 12))
    small.putdata([rng.randrange(256) for _ in range(16 * 12)])
    out = io.BytesIO()
    small.resize((320, 240), Image.NEAREST).convert("RGB").save(out, "JPEG", quality=90)
    return photo_pipeline.sanitize(io.BytesIO(out.getvalue()))


def make_campaign(slug: str = "cnx-2024", **plausibility):
    return builders.campaign(
        slug=slug,
        name="Chủ nhật xanh 2024",
        registration_start=dt.date(2024, 6, 2),
        registration_end=dt.date(2024, 6, 30),
        activity_start=dt.date(2024, 6, 2),
        activity_end=dt.date(2024, 6, 30),
        plausibility=plausibility or None,
    )


def make_entrant(campaign, username: str, phone: str) -> tuple:
    """An approved entrant registered on 3 June 2024 (09:00, the service's "as of")."""
    user = builders.user(username=username)
    entrant = builders.entrant(
        campaign=campaign,
        representative=user,
        name=f"Đội {username}",
        date_of_birth=dt.date(1990, 1, 1),
        phone=phone,
        email=f"{username}@example.vn",
        members=(),
        registered_on=dt.date(2024, 6, 3),
    )
    assert entrant.registered_at == when(3, 9)
    return user, entrant


@pytest.fixture
def campaign(db):
    return make_campaign()


@pytest.fixture
def team(campaign):
    return make_entrant(campaign, "lan", "0905 123 456")


@pytest.fixture
def other_team(campaign):
    return make_entrant(campaign, "hoa", "0914 222 333")


def log(entrant_pair, **extra) -> CleanupEvent:
    """Log a clean event on 10 June, 08:00-10:00 (two people, 12.35 kg weighed)."""
    user, entrant = entrant_pair
    data = {
        "title": "Nhặt rác ven sông",
        "location": Point(*HUE, srid=4326),
        "started_at": when(10, 8),
        "ended_at": when(10, 10),
        "participants": ["Nguyễn Văn An", "Lê Thị Bình"],
        "weight_kg": Decimal("12.35"),
        "weight_method": "measured",
        "now": NOW,
    }
    data.update(extra)
    event, created = event_log(entrant=entrant, user=user, **data)
    assert created
    return event


def hotspot(lon: float, lat: float, size: str = "several_bags"):
    return hotspot_report(
        location=Point(lon, lat, srid=4326),
        category="plastic",
        size_class=SizeClass.objects.get(key=size),
    ).hotspot


def codes(event: CleanupEvent) -> set[str]:
    event = CleanupEvent.objects.select_related("entrant__campaign").get(pk=event.pk)
    return {flag.code for flag in event_flags(event)}


def flag(event: CleanupEvent, code: str) -> Flag:
    event = CleanupEvent.objects.select_related("entrant__campaign").get(pk=event.pk)
    [found] = [f for f in event_flags(event) if f.code == code]
    return found


def test_a_clean_event_has_no_flags(team):
    # Verified: a claim of an unverified report is flagged (claimed_unverified).
    near = hotspot_verify(hotspot=hotspot(*TWENTY_M_EAST), actor=builders.organiser())
    event = log(
        team,
        hotspot_ids=[near.pk],
        before_images=[photo(1)],
        after_images=[photo(2)],
    )
    assert codes(event) == set()


def test_kg_per_participant_hour(team):
    # 100 kg by one person in one hour: 100 kg/person-hour > 25.
    heavy = log(
        team,
        participants=["Hồ Văn Tâm"],
        weight_kg=Decimal("100"),
        ended_at=when(10, 9),
    )
    found = flag(heavy, "kg_per_participant_hour")
    assert "100" in found.message and "25" in found.message
    assert found.details["kg_per_participant_hour"] == 100.0
    # 40 kg by two people in two hours: 10 kg/person-hour.
    light = log(
        team, weight_kg=Decimal("40"), started_at=when(11, 8), ended_at=when(11, 10)
    )
    assert "kg_per_participant_hour" not in codes(light)


def test_kg_per_participant_hour_threshold_is_per_campaign(db):
    generous = make_campaign("rong-rai", max_kg_per_participant_hour=200)
    pair = make_entrant(generous, "tam", "0977 111 222")
    event = log(
        pair,
        participants=["Hồ Văn Tâm"],
        weight_kg=Decimal("100"),
        ended_at=when(10, 9),
    )
    assert "kg_per_participant_hour" not in codes(event)
    # A campaign whose thresholds lack a key falls back to the documented default.
    generous.plausibility = {}
    generous.save(update_fields=["plausibility"])
    assert "kg_per_participant_hour" in codes(event)


def test_round_weights_repeated_across_an_entrant_events(team, other_team):
    events = [
        log(
            team,
            weight_kg=Decimal("50"),
            started_at=when(day, 8),
            ended_at=when(day, 10),
        )
        for day in (10, 11, 12)
    ]
    for event in events:
        found = flag(event, "round_weights")
        assert found.details == {
            "weight_kg": 50.0,
            "times": 3,
            "round_events": 3,
            "threshold": 3,
        }
        assert "50" in found.message
    # Another team: round, but no value repeats (30, 40, 50) -> nothing.
    varied = [
        log(
            other_team,
            weight_kg=Decimal(kg),
            started_at=when(day, 14),
            ended_at=when(day, 16),
        )
        for kg, day in (("30", 10), ("40", 11), ("50", 12))
    ]
    assert all("round_weights" not in codes(e) for e in varied)


def test_round_weights_needs_enough_round_events(team):
    first = log(team, weight_kg=Decimal("50"))
    log(team, weight_kg=Decimal("50"), started_at=when(11, 8), ended_at=when(11, 10))
    log(team, weight_kg=Decimal("47.5"), started_at=when(12, 8), ended_at=when(12, 10))
    assert "round_weights" not in codes(first)  # two round events < 3


def test_participant_in_two_overlapping_events(team, other_team):
    morning = log(team, participants=["Nguyễn Văn An", "Lê Thị Bình"])
    # The same person, typed differently, in another team's event 09:00-11:00.
    overlapping = log(
        other_team,
        participants=["nguyễn  văn AN", "Phan Thị Cúc"],
        started_at=when(10, 9),
        ended_at=when(10, 11),
    )
    later = log(
        other_team,
        participants=["Nguyễn Văn An"],
        started_at=when(10, 13),
        ended_at=when(10, 14),
    )
    found = flag(morning, "participant_overlap")
    assert found.details == {"names": ["Nguyễn Văn An"], "events": [overlapping.pk]}
    assert "Nguyễn Văn An" in found.message
    assert flag(overlapping, "participant_overlap").details["events"] == [morning.pk]
    assert "participant_overlap" not in codes(later)
    # Starting exactly when the other event ends is not an overlap.
    touching = log(
        team,
        participants=["Nguyễn Văn An"],
        started_at=when(10, 11),
        ended_at=when(10, 12),
    )
    assert "participant_overlap" not in codes(touching)
    # The same answers when the whole page is checked at once.
    page = flags_for(CleanupEvent.objects.select_related("entrant__campaign"))
    flagged = {
        pk
        for pk, found in page.items()
        if "participant_overlap" in {f.code for f in found}
    }
    assert flagged == {morning.pk, overlapping.pk}


def test_far_from_claimed_hotspot(team):
    far = hotspot(*HALF_KM_EAST)
    event = log(team, hotspot_ids=[far.pk])
    found = flag(event, "far_from_hotspots")
    [entry] = found.details["hotspots"]
    assert entry["id"] == far.pk and 500 < entry["distance_m"] < 560
    assert f"#{far.pk}" in found.message and "300" in found.message
    near = hotspot(*TWENTY_M_EAST)
    close = log(
        team, hotspot_ids=[near.pk], started_at=when(11, 8), ended_at=when(11, 10)
    )
    assert "far_from_hotspots" not in codes(close)


def test_weight_far_above_the_hotspot_size_class(team):
    bag = hotspot(*TWENTY_M_EAST, size="bag")  # at most 10 kg
    heavy = log(
        team,
        hotspot_ids=[bag.pk],
        weight_kg=Decimal("31"),
        participants=[f"Người {i}" for i in range(10)],
    )
    found = flag(heavy, "weight_above_size_class")
    assert found.details == {"weight_kg": 31.0, "size_class_max_kg": 10, "factor": 3.0}
    another = hotspot(HUE[0], HUE[1] + 0.0002, size="bag")
    fair = log(
        team,
        hotspot_ids=[another.pk],
        weight_kg=Decimal("30"),
        participants=[f"Người {i}" for i in range(10)],
        started_at=when(11, 8),
        ended_at=when(11, 10),
    )
    assert "weight_above_size_class" not in codes(fair)


def test_same_photo_in_two_events_of_the_campaign(team, other_team, db):
    first = log(team, before_images=[photo(5)])
    second = log(
        other_team,
        after_images=[photo(5)],
        started_at=when(12, 8),
        ended_at=when(12, 10),
    )
    unrelated = log(
        team, before_images=[photo(6)], started_at=when(13, 8), ended_at=when(13, 10)
    )
    [match] = flag(first, "duplicate_photo").details["matches"]
    assert match["event"] == second.pk and match["distance"] == 0
    assert "duplicate_photo" in codes(second)
    assert "duplicate_photo" not in codes(unrelated)
    # The same photo in another campaign's event is not compared.
    elsewhere = make_entrant(make_campaign("khac"), "xa", "0935 999 888")
    third = log(elsewhere, before_images=[photo(6)])
    assert "duplicate_photo" not in codes(third)
    assert "duplicate_photo" not in codes(unrelated)


def test_estimated_weight_without_photo(team):
    bare = log(team, weight_method="estimated")
    assert "12.35" in flag(bare, "estimated_without_photo").message
    shown = log(
        team,
        weight_method="estimated",
        after_images=[photo(9)],
        started_at=when(11, 8),
        ended_at=when(11, 10),
    )
    assert "estimated_without_photo" not in codes(shown)
    weighed = log(team, started_at=when(12, 8), ended_at=when(12, 10))
    assert "estimated_without_photo" not in codes(weighed)


def test_outside_the_campaign_window_after_an_edit(team):
    event = log(team)
    assert "outside_window" not in codes(event)
    # An edit or an import moved it before the entrant registered (3 June).
    CleanupEvent.objects.filter(pk=event.pk).update(
        started_at=when(2, 8), ended_at=when(2, 10)
    )
    found = flag(event, "outside_window")
    assert found.details == {"rule": "before_registration"}
    assert "03/06/2024" in found.message
    CleanupEvent.objects.filter(pk=event.pk).update(
        started_at=when(30, 22), ended_at=when(30, 22) + dt.timedelta(hours=3)
    )
    assert flag(event, "outside_window").details == {"rule": "after_activity_window"}


def test_outside_the_service_envelope(team):
    # The API's geometry gate refuses this; an import that skipped it is flagged.
    hanoi = log(team, location=Point(105.8342, 21.0278, srid=4326))
    found = flag(hanoi, "outside_envelope")
    assert found.details == {"lon": 105.8342, "lat": 21.0278}
    assert "outside_envelope" not in codes(
        log(team, started_at=when(11, 8), ended_at=when(11, 10))
    )


def test_flags_for_a_page_use_a_fixed_number_of_queries(
    team, other_team, django_assert_num_queries
):
    near = hotspot(*TWENTY_M_EAST)
    for day in range(10, 16):
        log(
            team,
            started_at=when(day, 8),
            ended_at=when(day, 10),
            before_images=[photo(day)],
            hotspot_ids=[near.pk] if day == 10 else [],
        )
    events = list(CleanupEvent.objects.select_related("entrant__campaign"))
    with django_assert_num_queries(4):
        result = flags_for(events)
    assert set(result) == {e.pk for e in events}
    assert flags_for([]) == {}


def test_flags_never_block_logging(team):
    # Every flag-worthy trait at once: the event is still logged.
    far = hotspot(*HALF_KM_EAST, size="bag")
    event = log(
        team,
        participants=["Hồ Văn Tâm"],
        weight_kg=Decimal("500"),
        weight_method="estimated",
        hotspot_ids=[far.pk],
        ended_at=when(10, 9),
    )
    assert CleanupEvent.objects.filter(pk=event.pk).exists()
    assert {
        "kg_per_participant_hour",
        "far_from_hotspots",
        "weight_above_size_class",
        "estimated_without_photo",
    } <= codes(event)
