"""The hotspot API: request -> response -> database state."""

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from hotspots.models import (
    Confirmation,
    Hotspot,
    HotspotHistory,
    ReporterContact,
)
from tests import builders

LIST = reverse("api:hotspots-api:list")
NEARBY = reverse("api:hotspots-api:nearby")
HUE = (107.5786, 16.4698)  # Đại Nội, Thành phố Huế
# About 20 m east of HUE (1e-4 degrees of longitude is ~10.7 m at 16.5 N).
TWENTY_M_EAST = (107.5786 + 0.00019, 16.4698)


def url(name, pk):
    return reverse(f"api:hotspots-api:{name}", args=[pk])


def report(client, lon=HUE[0], lat=HUE[1], **extra):
    body = {"lon": lon, "lat": lat, "category": "plastic", "size_class": "several_bags"}
    body.update(extra)
    return client.post(LIST, body, format="json")


def post_photos(client, photos, lon=HUE[0], lat=HUE[1]):
    body = {"lon": lon, "lat": lat, "category": "plastic", "size_class": "bag"}
    return client.post(LIST, {**body, "photos": photos}, format="multipart")


def jpeg(exif_serial="SN-998877", size=(800, 600)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0xA431] = exif_serial
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (16.0, 28.0, 11.0), "E", (107.0, 34.0, 43.0)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def staff_client(organiser):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(organiser)
    return client


@pytest.fixture
def resident(db):
    return builders.user(username="dan")


# --- reporting --------------------------------------------------------------


def test_anonymous_report_is_created_with_areas_and_score(demo_areas, api_client):
    response = report(api_client, description="Rác nhựa ven sông")
    assert response.status_code == 201
    body = response.json()
    props = body["hotspot"]["properties"]
    assert body["created"] is True and body["reopened"] is False
    assert body["hotspot"]["geometry"]["coordinates"] == list(HUE)
    assert props["status"] == "reported" and props["score"] > 0
    assert [a["code"] for a in props["areas"]] == ["46", "474"]
    assert "/hotspots/follow/" in body["follow_url"]
    hotspot = Hotspot.objects.get()
    assert hotspot.history.get().action == "report"


def test_same_client_uuid_twice_creates_one_hotspot(demo_areas, api_client):
    key = str(uuid.uuid4())
    first = report(api_client, client_uuid=key)
    second = report(api_client, client_uuid=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert (
        first.json()["hotspot"]["properties"]["id"]
        == second.json()["hotspot"]["properties"]["id"]
    )
    assert Hotspot.objects.count() == 1


def test_second_report_twenty_metres_away_is_offered_as_duplicate(
    demo_areas, api_client
):
    first = report(api_client).json()["hotspot"]["properties"]["id"]
    nearby = api_client.get(NEARBY, {"lon": TWENTY_M_EAST[0], "lat": TWENTY_M_EAST[1]})
    assert nearby.status_code == 200
    features = nearby.json()["features"]
    assert [f["properties"]["id"] for f in features] == [first]
    assert 15 < features[0]["properties"]["distance_m"] < 25
    far = api_client.get(
        NEARBY, {"lon": TWENTY_M_EAST[0], "lat": TWENTY_M_EAST[1], "radius_m": 10}
    )
    assert far.json()["features"] == []
    second = report(api_client, lon=TWENTY_M_EAST[0], lat=TWENTY_M_EAST[1])
    assert [f["properties"]["id"] for f in second.json()["nearby"]["features"]] == [
        first
    ]


def test_report_near_a_cleaned_hotspot_reopens_it(demo_areas, api_client, organiser):
    from hotspots.services import hotspot_mark_cleaned, hotspot_verify

    hotspot = Hotspot.objects.get(
        pk=report(api_client).json()["hotspot"]["properties"]["id"]
    )
    # Verified first: a claim of an unverified report is not "cleaned" (public)
    # but "cleaned_unverified", which a new report does not reopen.
    hotspot = hotspot_verify(hotspot=hotspot, actor=organiser)
    hotspot_mark_cleaned(hotspot=hotspot, actor=organiser)
    photo = SimpleUploadedFile("x.jpg", jpeg(), content_type="image/jpeg")
    response = post_photos(api_client, [photo], *TWENTY_M_EAST)
    assert response.status_code == 201
    assert response.json()["reopened"] is True
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.recurrence_count) == ("reopened", 1)
    assert hotspot.photos.count() == 1
    assert Hotspot.objects.count() == 1
    reopen = hotspot.history.get(action="reopen")
    assert (reopen.from_status, reopen.to_status) == ("cleaned", "reopened")


def test_contact_details_need_explicit_consent(demo_areas, api_client):
    refused = report(api_client, contact_email="lan@example.vn")
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "contact_consent"
    assert not Hotspot.objects.exists()
    ok = report(
        api_client,
        contact_email="lan@example.vn",
        contact_phone="0905 123 456",
        contact_consent=True,
    )
    assert ok.status_code == 201
    contact = ReporterContact.objects.get()
    assert (contact.email, contact.phone) == ("lan@example.vn", "+84905123456")
    assert contact.notice_version


# --- photos -----------------------------------------------------------------


def test_photo_upload_strips_exif_and_is_served_safely(demo_areas, api_client, client):
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg(), content_type="image/jpeg")
    response = post_photos(api_client, [photo])
    assert response.status_code == 201
    photo_json = response.json()["hotspot"]["properties"]["photos"][0]
    assert "IMG_0001" not in photo_json["url"]
    stored = Hotspot.objects.get().photos.get()
    with stored.image.open("rb") as fh:
        on_disk = fh.read()
    served = client.get(stored.image.url)
    assert served.status_code == 200, served.content[:300]
    body = b"".join(served.streaming_content)
    assert body == on_disk
    for blob in (on_disk, body):
        assert (
            b"Exif" not in blob
            and b"SN-998877" not in blob
            and b"PhoneMaker" not in blob
        )
        assert not Image.open(io.BytesIO(blob)).getexif()
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in served["Content-Security-Policy"]
    assert client.get("/media/../config/settings/base.py").status_code == 404


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a.jpg",
        ),
        (b"<html><script>alert(1)</script></html>", "page.png"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "broken.jpg"),
    ],
)
def test_bad_photo_is_400_and_nothing_is_saved(demo_areas, api_client, content, name):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = post_photos(api_client, [upload])
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "photos"
    assert not Hotspot.objects.exists()


@override_settings(PHOTO_MAX_BYTES=1000)
def test_oversized_photo_is_413(demo_areas, api_client):
    upload = SimpleUploadedFile("big.jpg", jpeg(), content_type="image/jpeg")
    response = post_photos(api_client, [upload])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_six_photos_are_refused(demo_areas, api_client):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg(size=(40, 30))) for i in range(6)]
    response = post_photos(api_client, photos)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_files"
    assert not Hotspot.objects.exists()


# --- bad input never a 500 ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"lon": 105.85, "lat": 21.03}, "lon,lat", "outside_service_area"),
        ({"lon": 16.46, "lat": 107.58}, "lat", "out_of_range"),  # lat/lon swapped
        ({"lon": "NaN", "lat": 16.46}, "lon", "not_finite"),
        ({"lon": None, "lat": 16.46}, "lon", None),
        ({"category": "rubbish"}, "category", "invalid_choice"),
        ({"size_class": "mountain"}, "size_class", "does_not_exist"),
        ({"description": "x" * 2001}, "description", "max_length"),
        ({"accuracy_m": -3}, "accuracy_m", "min_value"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid", "invalid"),
        (
            {"outline": {"type": "Point", "coordinates": [107.58, 16.46]}},
            "outline",
            "wrong_type",
        ),
        (
            {
                "outline": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [107.5, 16.4],
                            [107.6, 16.5],
                            [107.6, 16.4],
                            [107.5, 16.5],
                            [107.5, 16.4],
                        ]
                    ],
                }
            },
            "outline",
            "invalid_geometry",
        ),
        ({"contact_phone": "123"}, "contact_phone", "invalid_phone"),
    ],
)
def test_bad_report_is_400_naming_the_field(demo_areas, api_client, body, field, code):
    base = {"lon": HUE[0], "lat": HUE[1], "category": "plastic", "size_class": "bag"}
    response = api_client.post(LIST, {**base, **body}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["field"] == field
    if code:
        assert error["code"] == code
    assert not Hotspot.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 20000 + "]" * 20000,
        '{"lon": NaN, "lat": 16.4}',
        '{"lon": 107.5, "lat": Infinity}',
        "{not json",
        '"just a string"',
        "[]",
    ],
)
def test_malformed_bodies_are_400(db, api_client, raw):
    response = api_client.post(LIST, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"]


def test_oversized_json_body_is_413(db, api_client):
    raw = json.dumps({"description": "x" * 3_000_000})
    response = api_client.post(LIST, raw, content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"in_bbox": "1,2,3"}, 400, "in_bbox"),
        ({"in_bbox": "107.6,16.5,107.5,16.4"}, 400, "in_bbox"),
        ({"in_bbox": "nan,16.4,107.6,16.5"}, 400, "in_bbox"),
        ({"status": "gone"}, 400, "status"),
        ({"category": "x"}, 400, "category"),
        ({"priority": "maybe"}, 400, "priority"),
        ({"area": "-1"}, 400, "area"),
        ({"since": "yesterday"}, 400, "since"),
        # Keyset pages: no page numbers (an old client stops at once), cursors
        # are ours or refused.
        ({"page": "2"}, 400, "page"),
        ({"cursor": "abc"}, 400, "cursor"),
        ({"count": "maybe"}, 400, "count"),
    ],
)
def test_bad_list_filters_are_4xx(db, api_client, params, status, field):
    response = api_client.get(LIST, params)
    assert response.status_code == status
    if field:
        assert response.json()["error"]["field"] == field


# --- visibility and privacy ---------------------------------------------------


def test_public_list_shows_only_public_hotspots_without_personal_data(
    demo_areas, api_client, staff_client, resident
):
    api_client.force_authenticate(resident)
    mine = report(api_client, contact_email="x@example.vn", contact_consent=True)
    assert mine.status_code == 201
    api_client.force_authenticate(None)
    hidden = report(api_client, lon=107.60, lat=16.45).json()["hotspot"]["properties"][
        "id"
    ]
    public_id = report(
        api_client,
        lon=107.62,
        lat=16.44,
        contact_phone="0905123456",
        contact_consent=True,
    ).json()["hotspot"]["properties"]["id"]
    assert (
        staff_client.post(url("verify", public_id), {}, format="json").status_code
        == 200
    )

    anonymous = api_client.get(LIST)
    assert [f["properties"]["id"] for f in anonymous.json()["features"]] == [public_id]
    raw = anonymous.content.decode()
    for secret in ("x@example.vn", "+84905123456", "dan", "reporter", "contact"):
        assert secret not in raw
    assert api_client.get(url("detail", hidden)).status_code == 404

    api_client.force_authenticate(resident)
    own = [f["properties"]["id"] for f in api_client.get(LIST).json()["features"]]
    assert len(own) == 2 and public_id in own and hidden not in own

    staff = staff_client.get(LIST).json()["features"]
    assert len(staff) == 3
    assert any(f["properties"]["contact"] for f in staff)


def test_list_filters(demo_areas, api_client, staff_client):
    ids = []
    for lon, category in ((107.58, "plastic"), (107.70, "water_hyacinth")):
        ids.append(
            report(api_client, lon=lon, lat=16.44, category=category).json()["hotspot"][
                "properties"
            ]["id"]
        )
        staff_client.post(url("verify", ids[-1]), {}, format="json")
    staff_client.post(url("priority", ids[1]), {"priority": True}, format="json")

    def got(**params):
        return [
            f["properties"]["id"]
            for f in api_client.get(LIST, params).json()["features"]
        ]

    assert got(category="water_hyacinth") == [ids[1]]
    assert got(priority="true") == [ids[1]]
    assert got(in_bbox="107.55,16.40,107.60,16.50") == [ids[0]]
    assert got(in_bbox="100,10,101,11") == []
    from geo.models import AdminArea

    phu_vang = AdminArea.objects.get(code="478")
    hue = AdminArea.objects.get(code="474")
    assert set(got(area=str(hue.id))) | set(got(area=str(phu_vang.id))) <= set(ids)
    assert got(since="2000-01-01") and got(since="2999-01-01") == []
    assert got(status="verified") and got(status="cleaned") == []


def test_list_query_count_does_not_grow(
    demo_areas, api_client, staff_client, django_assert_max_num_queries
):
    for i in range(12):
        pk = report(api_client, lon=107.55 + i * 0.01, lat=16.45).json()["hotspot"][
            "properties"
        ]["id"]
        staff_client.post(url("verify", pk), {}, format="json")
    with django_assert_max_num_queries(6):
        response = api_client.get(LIST)
    assert len(response.json()["features"]) == 12
    assert response.json()["count"] is None  # counted only when asked
    assert api_client.get(LIST, {"count": "true"}).json()["count"] == 12


# --- moderation ---------------------------------------------------------------


def test_only_organisers_moderate(demo_areas, api_client, resident):
    pk = report(api_client).json()["hotspot"]["properties"]["id"]
    # Anonymous: not authenticated (401); a resident: not allowed (403).
    assert api_client.post(url("verify", pk), {}, format="json").status_code == 401
    api_client.force_authenticate(resident)
    assert api_client.post(url("verify", pk), {}, format="json").status_code == 403
    assert Hotspot.objects.get().status == "reported"


def test_lifecycle_is_recorded_with_who_when_from_to_why(
    demo_areas, api_client, staff_client, organiser
):
    pk = report(api_client).json()["hotspot"]["properties"]["id"]
    assert (
        staff_client.post(
            url("verify", pk), {"reason": "Đã kiểm tra"}, format="json"
        ).status_code
        == 200
    )
    again = staff_client.post(url("verify", pk), {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "wrong_status"
    no_reason = staff_client.post(url("reject", pk), {"reason": ""}, format="json")
    assert (
        no_reason.status_code == 400 and no_reason.json()["error"]["field"] == "reason"
    )
    rejected = staff_client.post(
        url("reject", pk), {"reason": "Ảnh không rõ"}, format="json"
    )
    assert rejected.json()["properties"]["status"] == "rejected"
    history = list(
        HotspotHistory.objects.filter(hotspot_id=pk).values_list(
            "action", "actor__username", "from_status", "to_status", "reason"
        )
    )
    assert history == [
        ("report", None, "", "reported", ""),
        ("verify", "btc", "reported", "verified", "Đã kiểm tra"),
        ("reject", "btc", "verified", "rejected", "Ảnh không rõ"),
    ]


def test_merge_moves_photos_and_confirmations_and_loses_nothing(
    demo_areas, api_client, staff_client, resident
):
    kept = report(api_client).json()["hotspot"]["properties"]["id"]
    api_client.force_authenticate(resident)
    photo = SimpleUploadedFile("p.jpg", jpeg(size=(60, 40)))
    dup = post_photos(api_client, [photo], *TWENTY_M_EAST).json()["hotspot"][
        "properties"
    ]["id"]
    api_client.force_authenticate(None)
    assert api_client.post(url("confirm", dup)).status_code == 200  # anonymous browser

    response = staff_client.post(
        url("merge", dup), {"into": kept, "reason": "Cùng bãi rác"}, format="json"
    )
    assert response.status_code == 200
    duplicate = Hotspot.objects.get(pk=dup)
    keeper = Hotspot.objects.get(pk=kept)
    assert (duplicate.status, duplicate.duplicate_of_id) == ("duplicate", kept)
    assert keeper.photos.count() == 1 and duplicate.photos.count() == 0
    # the anonymous confirmation moved; the duplicate's reporter now confirms too
    assert keeper.confirmation_count == 2
    assert Confirmation.objects.filter(hotspot=keeper, user=resident).exists()
    assert keeper.history.filter(action="absorb", details__from=dup).exists()
    assert (
        staff_client.post(url("merge", kept), {"into": kept}, format="json").status_code
        == 400
    )
    assert (
        staff_client.post(
            url("merge", kept), {"into": 999999}, format="json"
        ).status_code
        == 400
    )


def test_priority_and_correction_change_the_score(demo_areas, api_client, staff_client):
    pk = report(api_client, category="household").json()["hotspot"]["properties"]["id"]
    before = Hotspot.objects.get(pk=pk).score
    flagged = staff_client.post(
        url("priority", pk), {"priority": True}, format="json"
    ).json()
    assert flagged["properties"]["priority"] is True
    parts = {p["key"]: p["value"] for p in flagged["properties"]["score_breakdown"]}
    assert parts["priority"] == 25.0
    assert flagged["properties"]["score"] == pytest.approx(before + 25.0)
    corrected = staff_client.post(
        url("correct", pk),
        {
            "category": "plastic",
            "size_class": "truck",
            "lon": 107.70,
            "lat": 16.44,
            "reason": "Sai loại",
        },
        format="json",
    ).json()["properties"]
    assert (corrected["category"], corrected["size_class"]) == ("plastic", "truck")
    assert corrected["score"] > flagged["properties"]["score"]
    assert [a["code"] for a in corrected["areas"]][-1] == "478"  # moved into Phú Vang
    change = HotspotHistory.objects.get(hotspot_id=pk, action="correct")
    assert change.details["category"] == ["household", "plastic"]
    bad = staff_client.post(
        url("correct", pk), {"lon": "abc", "lat": 16.4}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "lon"


def test_confirm_once_per_person_not_own_report(demo_areas, api_client, resident):
    api_client.force_authenticate(resident)
    pk = report(api_client).json()["hotspot"]["properties"]["id"]
    own = api_client.post(url("confirm", pk))
    assert own.status_code == 409 and own.json()["error"]["code"] == "own_report"
    api_client.force_authenticate(None)
    assert api_client.post(url("confirm", pk)).status_code == 200
    assert api_client.post(url("confirm", pk)).status_code == 200
    assert Hotspot.objects.get(pk=pk).confirmation_count == 1
    assert api_client.post(url("confirm", 424242)).status_code == 404


def test_anonymous_reports_are_throttled(demo_areas, api_client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # The throttle classes keep the rates they read at import: set them there
    # (monkeypatch puts the inherited attribute back afterwards).
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "report_anon": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    codes = [report(api_client, lon=107.55 + i * 0.01).status_code for i in range(3)]
    assert codes == [201, 201, 429]
