"""Cleanup events through the API: request -> response -> database state."""

import datetime as dt
import io
import json
import random
import unicodedata
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.campaigns.services import (
    campaign_create,
    entrant_approve,
    entrant_reject,
)
from events.models import CleanupEvent, EventPhoto, Participant
from hotspots.models import Hotspot, SizeClass
from hotspots.services import hotspot_report
from tests import builders
from tests.builders import days

EVENTS = reverse("api:events-api:event-list")
HUE = (107.5786, 16.4698)  # Đại Nội, Thành phố Huế (district-level code 474)
# About 20 m east of HUE (1e-4 degrees of longitude is ~10.7 m at 16.5 N).
TWENTY_M_EAST = (107.5786 + 0.00019, 16.4698)
# About 1.6 km east: beyond 3 x the default 300 m "far from hotspot" threshold.
FAR_EAST = (107.5786 + 0.015, 16.4698)
NOTES = "Liên hệ chị Lan qua số 0905 123 456 nếu cần"


def detail(pk: int) -> str:
    return reverse("api:events-api:event-detail", args=[pk])


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    """Return an ISO time on a local day (Asia/Ho_Chi_Minh, +07:00)."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+07:00"


def iso(value: dt.datetime) -> str:
    return value.isoformat()


def jpeg(seed: int, size=(320, 240)) -> bytes:
    """Return a JPEG of coarse random blocks: distinct seeds, distinct perceptual hashes."""
    rng = random.Random(seed)
    small = Image.new("L", (16, 12))
    small.putdata([rng.randrange(256) for _ in range(16 * 12)])
    out = io.BytesIO()
    small.resize(size, Image.NEAREST).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def upload(seed: int, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(seed), content_type="image/jpeg")


@pytest.fixture
def campaign(db):
    return builders.campaign(
        name="Chủ nhật xanh thử nghiệm", registration=(-30, 5), activity=(-20, 10)
    )


def register(
    campaign,
    username: str,
    *,
    phone: str,
    name: str = "Đội Sông Hương Xanh",
    publish: bool = False,
    members: tuple[str, ...] = (),
):
    """Register an entrant ten days ago (pending); return (its representative, it)."""
    user = builders.user(username=username)
    entrant = builders.entrant(
        campaign=campaign,
        representative=user,
        name=name,
        phone=phone,
        email=f"{username}@example.vn",
        organisation="Đoàn phường Vĩnh Ninh",
        members=members,
        contact=True,
        publish=publish,
        registered_on=days(-10),
        approve=False,
    )
    return user, entrant


@pytest.fixture
def team(campaign, organiser):
    """An approved team (no publish consent) and its representative."""
    user, entrant = register(
        campaign, "lan", phone="0905 123 456", members=("Trần Văn Minh",)
    )
    return user, entrant_approve(entrant=entrant, actor=organiser)


@pytest.fixture
def rep_client(team):
    """The representative's client (api_client stays anonymous)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(team[0])
    return client


def client_as(username: str, role: str):
    from rest_framework.test import APIClient

    user = builders.user(username=username, role=role)
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(entrant, **extra) -> dict:
    now = timezone.now()
    data = {
        "entrant": entrant.pk,
        "title": "Vớt rác bờ sông Hương",
        "lon": HUE[0],
        "lat": HUE[1],
        "started_at": iso(now - dt.timedelta(hours=3)),
        "ended_at": iso(now - dt.timedelta(hours=1)),
        "participants": ["Nguyễn Thị Lan", "  trần văn   MINH "],
        "weight_kg": "42.50",
        "weight_method": "measured",
        "breakdown": {"plastic_kg": "20", "water_hyacinth_kg": 15.5, "other_kg": "7"},
        "bags": 6,
        "client_uuid": str(uuid.uuid4()),
        "notes": NOTES,
    }
    data.update(extra)
    return data


def log(client, entrant, **extra):
    return client.post(EVENTS, body(entrant, **extra), format="json")


def error(response) -> tuple[int, str | None, str | None]:
    err = response.json()["error"]
    return response.status_code, err["field"], err["code"]


def open_hotspot(lon: float, lat: float, size: str = "several_bags") -> Hotspot:
    return hotspot_report(
        location=Point(lon, lat, srid=4326),
        category="plastic",
        size_class=SizeClass.objects.get(key=size),
    ).hotspot


# --- logging ------------------------------------------------------------------


def test_representative_logs_an_event_with_participants_and_areas(
    demo_areas, rep_client, team
):
    _user, entrant = team
    response = log(rep_client, entrant)
    assert response.status_code == 201, response.json()
    props = response.json()["properties"]
    assert response.json()["geometry"]["coordinates"] == list(HUE)
    assert props["participant_count"] == 2
    assert props["weight_kg"] == 42.5 and props["weight_method"] == "measured"
    assert props["breakdown"] == {
        "plastic_kg": 20.0,
        "water_hyacinth_kg": 15.5,
        "other_kg": 7.0,
    }
    assert props["notes"] == NOTES  # the representative sees the private view
    assert [a["code"] for a in props["areas"]] == ["46", "474"]
    event = CleanupEvent.objects.get()
    assert (event.status, event.bags, event.entrant_id) == ("submitted", 6, entrant.pk)
    assert sorted(a.code for a in event.areas.all()) == ["46", "474"]
    people = {p.full_name: p.member for p in event.participants.all()}
    # The typed name is stored tidied and linked to the member it matches.
    assert set(people) == {"Nguyễn Thị Lan", "trần văn MINH"}
    assert people["trần văn MINH"] == entrant.members.get()
    assert people["Nguyễn Thị Lan"] is None


def test_same_client_uuid_twice_creates_one_event(rep_client, team):
    key = str(uuid.uuid4())
    first = log(rep_client, team[1], client_uuid=key)
    second = log(rep_client, team[1], client_uuid=key, title="Lần gửi lại")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["properties"]["id"] == second.json()["properties"]["id"]
    assert CleanupEvent.objects.get().title == "Vớt rác bờ sông Hương"
    assert Participant.objects.count() == 2


@pytest.mark.parametrize("decision", ["pending", "rejected"])
def test_entrant_not_approved_cannot_log(campaign, organiser, api_client, decision):
    user, entrant = register(campaign, "hoa", phone="0914 000 111")
    if decision == "rejected":
        entrant_reject(entrant=entrant, actor=organiser, reason="Thiếu thông tin")
    api_client.force_authenticate(user)
    response = log(api_client, entrant)
    assert error(response) == (403, "entrant", "not_approved")
    assert not CleanupEvent.objects.exists()


@pytest.mark.parametrize("role", ["resident", "organiser", "judge"])
def test_only_the_representative_logs_for_the_entrant(team, role):
    response = log(client_as("someone", role), team[1])
    assert error(response) == (403, "entrant", "not_representative")
    assert not CleanupEvent.objects.exists()


def test_anonymous_cannot_log(team, api_client):
    response = log(api_client, team[1])
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not CleanupEvent.objects.exists()


# --- times --------------------------------------------------------------------


def test_event_before_the_registration_day_is_refused(rep_client, team):
    # Registered ten days ago; the activity window opened twenty days ago.
    response = log(
        rep_client, team[1], started_at=at(days(-12), 8), ended_at=at(days(-12), 10)
    )
    assert error(response) == (400, "started_at", "before_registration")


def test_event_ending_after_the_activity_window_is_refused(organiser, api_client):
    ended = campaign_create(
        name="Đợt đã kết thúc",
        slug="da-ket-thuc",
        registration_start=days(-30),
        registration_end=days(5),
        activity_start=days(-20),
        activity_end=days(-2),
    )
    user, entrant = register(ended, "minh", phone="0935 222 333")
    entrant_approve(entrant=entrant, actor=organiser)
    api_client.force_authenticate(user)
    inside = log(
        api_client, entrant, started_at=at(days(-2), 8), ended_at=at(days(-2), 23, 59)
    )
    assert inside.status_code == 201, inside.json()
    response = log(
        api_client, entrant, started_at=at(days(-1), 8), ended_at=at(days(-1), 10)
    )
    assert error(response) == (400, "ended_at", "after_activity_window")


def test_event_in_the_future_is_refused(rep_client, team):
    now = timezone.now()
    later = log(
        rep_client,
        team[1],
        started_at=iso(now + dt.timedelta(hours=1)),
        ended_at=iso(now + dt.timedelta(hours=3)),
    )
    assert error(later) == (400, "started_at", "in_future")
    running = log(
        rep_client,
        team[1],
        started_at=iso(now - dt.timedelta(hours=1)),
        ended_at=iso(now + dt.timedelta(hours=2)),
    )
    assert error(running) == (400, "ended_at", "in_future")


def test_event_ending_before_it_starts_is_refused(rep_client, team):
    now = timezone.now()
    response = log(
        rep_client,
        team[1],
        started_at=iso(now - dt.timedelta(hours=1)),
        ended_at=iso(now - dt.timedelta(hours=2)),
    )
    assert error(response) == (400, "ended_at", "time_reversed")


def test_event_on_any_day_of_the_week_is_accepted(rep_client, team):
    # Seven consecutive past days cover every weekday, Sunday included.
    for back in range(2, 9):
        response = log(
            rep_client,
            team[1],
            started_at=at(days(-back), 7),
            ended_at=at(days(-back), 9),
        )
        assert response.status_code == 201, response.json()
    weekdays = {e.started_at.astimezone().weekday() for e in CleanupEvent.objects.all()}
    assert len(weekdays) == 7


# --- participants and weights ---------------------------------------------------


@pytest.mark.parametrize(
    ("participants", "field", "code"),
    [
        ([], "participants", "required"),
        (["  ", ""], "participants", "required"),
        (
            ["Nguyễn Văn An", "Lê Thị Hoa", "nguyễn  văn AN"],
            "participants[2]",
            "duplicate",
        ),
        # The same name typed with decomposed Vietnamese diacritics (NFD).
        (
            ["Nguyễn Văn An", unicodedata.normalize("NFD", "Nguyễn Văn An")],
            "participants[1]",
            "duplicate",
        ),
    ],
)
def test_participant_list_is_checked(rep_client, team, participants, field, code):
    response = log(rep_client, team[1], participants=participants)
    assert error(response) == (400, field, code)
    assert not CleanupEvent.objects.exists()


def test_missing_participants_field_is_named(rep_client, team):
    data = body(team[1])
    del data["participants"]
    response = rep_client.post(EVENTS, data, format="json")
    assert error(response)[:2] == (400, "participants")


def test_breakdown_above_the_total_is_refused(rep_client, team):
    response = log(
        rep_client,
        team[1],
        weight_kg="30",
        breakdown={"plastic_kg": "20", "water_hyacinth_kg": "10.01"},
    )
    assert error(response) == (400, "breakdown", "breakdown_above_total")


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"weight_kg": "-1"}, "weight_kg", "negative"),
        ({"weight_kg": "12.345"}, "weight_kg", "too_precise"),
        ({"weight_kg": 1_000_000.01}, "weight_kg", "too_large"),
        ({"weight_kg": "nhiều"}, "weight_kg", "invalid"),
        ({"breakdown": {"plastic_kg": "-2"}}, "breakdown.plastic_kg", "negative"),
        ({"breakdown": {"other_kg": "0.001"}}, "breakdown.other_kg", "too_precise"),
        ({"weight_method": "guessed"}, "weight_method", "invalid_choice"),
        ({"bags": -1}, "bags", "min_value"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(rep_client, team, extra, field, code):
    response = log(rep_client, team[1], **extra)
    assert error(response) == (400, field, code)
    assert not CleanupEvent.objects.exists()


# --- places and hotspots ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [
        (105.8342, 21.0278, "lon,lat"),  # Hà Nội: outside the service envelope
        (HUE[1], HUE[0], "lat"),  # swapped: 107.58 is no latitude
        ("NaN", HUE[1], "lon"),
        (HUE[0], None, "lat"),
    ],
)
def test_bad_location_is_refused_naming_lon_lat(rep_client, team, lon, lat, field):
    response = log(rep_client, team[1], lon=lon, lat=lat)
    assert error(response)[:2] == (400, field)
    assert not CleanupEvent.objects.exists()


def test_outline_and_route_pass_the_geometry_gate(rep_client, team):
    x, y = HUE
    square = [[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]
    bowtie = [[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]
    ok = log(
        rep_client,
        team[1],
        outline={"type": "Polygon", "coordinates": [square]},
        route={"type": "LineString", "coordinates": [[x, y], [x + 0.002, y]]},
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["properties"]["route"]["type"] == "LineString"
    bad = log(rep_client, team[1], outline={"type": "Polygon", "coordinates": [bowtie]})
    assert error(bad) == (400, "outline", "invalid_geometry")
    wrong = log(rep_client, team[1], route={"type": "Point", "coordinates": [x, y]})
    assert error(wrong) == (400, "route", "wrong_type")
    crs = log(
        rep_client,
        team[1],
        route={
            "type": "LineString",
            "coordinates": [[x, y], [x + 0.002, y]],
            "crs": {"type": "link", "properties": {"href": "http://example.com"}},
        },
    )
    assert error(crs) == (400, "route", "crs_not_allowed")
    assert CleanupEvent.objects.count() == 1


def test_claiming_a_far_away_hotspot_is_refused(rep_client, team):
    far = open_hotspot(*FAR_EAST)
    response = log(rep_client, team[1], hotspots=[far.pk])
    assert error(response) == (400, "hotspots", "hotspot_not_nearby")
    far.refresh_from_db()
    assert far.status == "reported"
    assert not CleanupEvent.objects.exists()


def test_claiming_a_hotspot_that_is_not_open_is_refused(rep_client, team, organiser):
    from hotspots.services import hotspot_reject

    rejected = open_hotspot(*TWENTY_M_EAST)
    hotspot_reject(hotspot=rejected, actor=organiser, reason="Không có rác")
    response = log(rep_client, team[1], hotspots=[rejected.pk])
    assert error(response) == (400, "hotspots", "hotspot_not_nearby")


def test_claimed_hotspots_become_cleaned_with_a_history_line(rep_client, team):
    near = open_hotspot(*TWENTY_M_EAST)
    response = log(rep_client, team[1], hotspots=[near.pk, near.pk])
    assert response.status_code == 201, response.json()
    event_id = response.json()["properties"]["id"]
    assert response.json()["properties"]["hotspots"] == [near.pk]
    near.refresh_from_db()
    # Never verified: claimed but not public until an organiser verifies it.
    assert near.status == "cleaned_unverified"
    line = near.history.get(action="clean")
    assert (line.from_status, line.to_status) == ("reported", "cleaned_unverified")
    assert line.details == {"event": event_id}
    assert f"#{event_id}" in line.reason and "Ban Giám khảo" in line.reason
    assert line.actor == team[0]
    # Cleaned now: a second event cannot claim it again.
    again = log(rep_client, team[1], hotspots=[near.pk])
    assert error(again) == (400, "hotspots", "hotspot_not_nearby")


# --- multipart and photos -----------------------------------------------------------


def multipart(entrant, **extra) -> dict:
    data = body(entrant)
    breakdown = data.pop("breakdown")
    data.pop("participants")
    data.update(breakdown)  # the page sends the breakdown as flat fields
    data["participants"] = ["Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hoa"]
    data.update(extra)
    return data


def test_multipart_event_with_before_and_after_photos(rep_client, team):
    near = open_hotspot(*TWENTY_M_EAST)
    data = multipart(
        team[1],
        hotspots=[str(near.pk)],
        before_photos=[upload(1), upload(2)],
        after_photos=[upload(3)],
    )
    response = rep_client.post(EVENTS, data, format="multipart")
    assert response.status_code == 201, response.json()
    props = response.json()["properties"]
    assert props["participant_count"] == 3
    assert props["breakdown"]["water_hyacinth_kg"] == 15.5
    assert props["hotspots"] == [near.pk]
    assert sorted(p["kind"] for p in props["photos"]) == ["after", "before", "before"]
    assert all("IMG_0001" not in p["url"] for p in props["photos"])
    photos = EventPhoto.objects.all()
    assert len(photos) == 3
    assert all(len(p.phash) == 16 for p in photos)
    assert len({p.phash for p in photos}) == 3


def test_multipart_participants_as_one_json_string(rep_client, team):
    data = multipart(team[1])
    data["participants"] = json.dumps(["Nguyễn Thị Lan", "Hồ Văn Tâm"])
    response = rep_client.post(EVENTS, data, format="multipart")
    assert response.status_code == 201, response.json()
    assert sorted(Participant.objects.values_list("full_name", flat=True)) == [
        "Hồ Văn Tâm",
        "Nguyễn Thị Lan",
    ]


def test_too_many_photos_of_one_kind_are_refused(rep_client, team):
    data = multipart(team[1], after_photos=[upload(seed) for seed in range(6)])
    response = rep_client.post(EVENTS, data, format="multipart")
    assert error(response) == (400, "after_photos", "too_many_files")
    assert not CleanupEvent.objects.exists()


def test_a_non_image_photo_is_refused_naming_its_field(rep_client, team):
    svg = SimpleUploadedFile(
        "a.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/jpeg"
    )
    data = multipart(team[1], before_photos=[svg])
    response = rep_client.post(EVENTS, data, format="multipart")
    assert error(response) == (400, "before_photos", "unsupported_type")


def test_same_photo_in_two_events_is_flagged_for_the_jury(rep_client, team):
    first = rep_client.post(
        EVENTS, multipart(team[1], before_photos=[upload(7)]), format="multipart"
    )
    second = rep_client.post(
        EVENTS,
        multipart(team[1], after_photos=[upload(7, "other-name.jpg")]),
        format="multipart",
    )
    assert (first.status_code, second.status_code) == (201, 201)
    ids = [r.json()["properties"]["id"] for r in (first, second)]
    judge = client_as("bgk", "judge")
    for own, other in (ids, ids[::-1]):
        flags = judge.get(detail(own)).json()["properties"]["flags"]
        duplicate = [f for f in flags if f["code"] == "duplicate_photo"]
        assert len(duplicate) == 1, flags
        assert [m["event"] for m in duplicate[0]["details"]["matches"]] == [other]
    third = rep_client.post(
        EVENTS, multipart(team[1], before_photos=[upload(8)]), format="multipart"
    )
    flags = judge.get(detail(third.json()["properties"]["id"])).json()["properties"][
        "flags"
    ]
    assert "duplicate_photo" not in {f["code"] for f in flags}


# --- reading ------------------------------------------------------------------------


PRIVATE_STRINGS = [
    "Nguyễn Thị Lan",
    "Trần Văn Minh",
    "trần văn MINH",
    NOTES,
    "0905",
    "+84905123456",
    "lan@example.vn",
    "Đoàn phường Vĩnh Ninh",
]


def test_public_list_has_no_personal_data_and_a_neutral_label(
    rep_client, team, api_client, campaign, organiser
):
    assert log(rep_client, team[1], hotspots=[]).status_code == 201
    response = api_client.get(EVENTS)
    assert response.status_code == 200
    raw = response.content.decode()
    for private in PRIVATE_STRINGS + ["Đội Sông Hương Xanh"]:
        assert private not in raw, private
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["count"] == 1
    props = body["features"][0]["properties"]
    assert props["entrant_name"] == f"Đội thi #{team[1].pk}"
    assert props["participant_count"] == 2 and props["campaign"] == "thu-nghiem"
    for key in ("participants", "notes", "flags", "outline", "route"):
        assert key not in props


def test_public_list_names_an_entrant_that_agreed_to_publish(
    campaign, organiser, api_client
):
    user, entrant = register(
        campaign, "tam", phone="0977 444 555", name="CLB Xanh Phú Hội", publish=True
    )
    entrant_approve(entrant=entrant, actor=organiser)
    api_client.force_authenticate(user)
    assert log(api_client, entrant).status_code == 201
    api_client.force_authenticate(None)
    props = api_client.get(EVENTS).json()["features"][0]["properties"]
    assert props["entrant_name"] == "CLB Xanh Phú Hội"


def test_detail_is_private_for_representative_and_jury_only(rep_client, team):
    from rest_framework.test import APIClient

    anonymous = APIClient()
    event_id = log(rep_client, team[1]).json()["properties"]["id"]
    url = detail(event_id)
    for client in (rep_client, client_as("bgk", "judge"), client_as("tk", "secretary")):
        props = client.get(url).json()["properties"]
        assert sorted(p["full_name"] for p in props["participants"]) == [
            "Nguyễn Thị Lan",
            "trần văn MINH",
        ]
        assert props["notes"] == NOTES
        assert isinstance(props["flags"], list)
    for client in (client_as("khac", "resident"), anonymous):
        response = client.get(url)
        assert response.status_code == 200
        raw = response.content.decode()
        for private in PRIVATE_STRINGS:
            assert private not in raw, private
        assert "participants" not in response.json()["properties"]
    assert anonymous.get(detail(event_id + 1000)).status_code == 404


def test_list_filters(rep_client, team, demo_areas, campaign):
    from geo.models import AdminArea

    log(rep_client, team[1], started_at=at(days(-5), 7), ended_at=at(days(-5), 9))
    log(rep_client, team[1])
    hue = AdminArea.objects.get(level="district", code="474")
    other = AdminArea.objects.filter(level="district").exclude(pk=hue.pk).first()

    def count(**params):
        response = rep_client.get(EVENTS, params)
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert count() == 2
    assert count(campaign="thu-nghiem") == 2 and count(campaign="khac") == 0
    assert count(entrant=team[1].pk) == 2 and count(entrant=team[1].pk + 99) == 0
    assert count(area=hue.pk) == 2 and count(area=other.pk) == 0
    assert count(since=days(-1).isoformat()) == 1
    bad = rep_client.get(EVENTS, {"since": "hôm qua"})
    assert error(bad) == (400, "since", "invalid_date")
    assert error(rep_client.get(EVENTS, {"area": "x"})) == (400, "area", "invalid")


def test_jury_sees_flags_in_the_list_and_the_public_does_not(
    rep_client, team, api_client
):
    log(rep_client, team[1], weight_kg="500", breakdown={}, weight_method="estimated")
    judge = client_as("bgk", "judge")
    props = judge.get(EVENTS).json()["features"][0]["properties"]
    codes = {f["code"] for f in props["flags"]}
    assert {"kg_per_participant_hour", "estimated_without_photo"} <= codes
    assert all(f["message"] for f in props["flags"])
    assert "flags" not in api_client.get(EVENTS).json()["features"][0]["properties"]
    # The representative sees the explanation but not other entrants' details.
    own = rep_client.get(detail(props["id"])).json()["properties"]["flags"]
    assert {f["code"] for f in own} == codes
    assert all("details" not in f for f in own)


def test_event_list_query_count_does_not_grow_with_events(
    rep_client, team, django_assert_num_queries, demo_areas
):
    near = [open_hotspot(*TWENTY_M_EAST), open_hotspot(HUE[0], HUE[1] + 0.0002)]
    for index in range(6):
        data = multipart(
            team[1],
            before_photos=[upload(100 + index)],
            hotspots=[str(near[index].pk)] if index < 2 else [],
        )
        assert rep_client.post(EVENTS, data, format="multipart").status_code == 201
    from rest_framework.test import APIClient

    public = APIClient()
    # count, events (+ counts and consent as subqueries), photos, areas, hotspots
    with django_assert_num_queries(5):
        response = public.get(EVENTS)
    assert response.json()["count"] == 6
    judge = client_as("bgk", "judge")
    # + the judge's roles, + four for the flags of the whole page
    with django_assert_num_queries(10):
        response = judge.get(EVENTS)
    features = response.json()["features"]
    assert len(features) == 6 and all("flags" in f["properties"] for f in features)
