"""Open311 service requests read at /open311/v2/: request -> response."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from hotspots import services
from hotspots.models import Category, Hotspot, ReporterContact, Status
from hotspots.photos import CleanImage
from tests import builders
from tests.hotspots.open311.helpers import (
    EMAIL,
    HUE,
    PHONE,
    PHONE_DIGITS,
    assert_error,
    ids,
    post_form,
    report_form,
    spot,
    url,
    xml,
)


def test_requests_list_only_public_hotspots(demo_areas, api_client, make):
    verified = make(0, description="Chai nhựa dưới chân cầu")
    cleaned = make(1, status=Status.CLEANED)
    make(2, status=Status.REPORTED)
    make(3, status=Status.REJECTED)
    response = api_client.get(url("requests"))
    assert response.status_code == 200
    body = {item["service_request_id"]: item for item in response.json()}
    assert set(body) == {verified.pk, cleaned.pk}

    item = body[verified.pk]
    assert item["status"] == "open" and item["status_notes"] == "Đã xác minh"
    assert item["service_code"] == "plastic"
    assert item["service_name"] == "Rác thải nhựa"
    assert item["description"] == "Chai nhựa dưới chân cầu"
    assert item["agency_responsible"] == "Ban Tổ chức Chủ nhật xanh"
    assert item["requested_datetime"].endswith("+07:00")
    assert item["updated_datetime"].endswith("+07:00")
    assert item["expected_datetime"] is None
    assert (item["address"], item["address_id"], item["zipcode"]) == ("", "", "")
    assert (item["long"], item["lat"]) == (round(spot(0)[0], 6), HUE[1])
    assert item["media_url"] == ""
    assert item["extended_attributes"] == {
        "category": "plastic",
        "size_class": "several_bags",
        "priority": False,
        "score": round(verified.score, 2),
        "confirmation_count": 0,
        "recurrence_count": 0,
        "areas": ["Tỉnh Thừa Thiên Huế", "Thành phố Huế"],
    }
    closed = body[cleaned.pk]
    assert closed["status"] == "closed" and closed["status_notes"] == "Đã thu gom"


def test_requests_list_in_xml(demo_areas, api_client, make):
    hotspot = make(0)
    root = xml(api_client.get(url("requests", "xml")))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == str(hotspot.pk)
    assert request.findtext("status") == "open"
    # None is an empty element; booleans are lowercase; lists repeat children.
    assert request.find("expected_datetime").text is None
    extended = request.find("extended_attributes")
    assert extended.findtext("priority") == "false"
    assert [a.text for a in extended.findall("areas/area")] == [
        "Tỉnh Thừa Thiên Huế",
        "Thành phố Huế",
    ]
    assert float(request.findtext("lat")) == pytest.approx(HUE[1])


def test_xml_drops_characters_xml_cannot_carry(db, api_client, make):
    # Other channels store such text; the XML must still parse.
    make(0, description="Rác\x0b nhựa\x1b")
    root = xml(api_client.get(url("requests", "xml")))
    assert root.findtext("request/description") == "Rác nhựa"


def test_media_url_is_the_absolute_url_of_the_first_photo(
    db, api_client, make, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(out, "JPEG")
    image = CleanImage(
        content=out.getvalue(),
        thumbnail=out.getvalue(),
        width=8,
        height=8,
        format="JPEG",
        extension=".jpg",
        content_type="image/jpeg",
    )
    hotspot = make(0, images=[image, image])
    [item] = api_client.get(url("requests")).json()
    first = hotspot.photos.order_by("created_at", "id").first()
    assert item["media_url"] == "http://testserver" + first.image.url
    assert item["media_url"].startswith("http://testserver/media/")


def test_requests_list_query_count_is_fixed(
    demo_areas, api_client, make, django_assert_num_queries
):
    for index in range(3):
        make(index)
    # Hotspots with size classes, then photos, then areas: no N+1.
    with django_assert_num_queries(3):
        response = api_client.get(url("requests"))
    assert len(response.json()) == 3


def test_status_filter_maps_open_and_closed(db, api_client, organiser, make):
    first, second = make(0), make(1)
    services.hotspot_mark_cleaned(hotspot=second, actor=organiser)
    assert ids(api_client.get(url("requests"), {"status": "open"})) == [first.pk]
    assert ids(api_client.get(url("requests"), {"status": "closed"})) == [second.pk]
    both = ids(api_client.get(url("requests"), {"status": "open,closed"}))
    assert sorted(both) == sorted([first.pk, second.pk])


def test_reopened_hotspot_is_open_again(db, api_client, make):
    cleaned = make(0, status=Status.CLEANED)
    response = post_form(api_client, report_form(long=str(spot(0)[0])))
    assert response.status_code == 201
    assert ids(response) == [cleaned.pk]  # the report reopened it
    [item] = api_client.get(url("request", request_id=cleaned.pk)).json()
    assert item["status"] == "open"
    assert item["status_notes"] == "Tái xuất hiện"
    assert item["extended_attributes"]["recurrence_count"] == 1


def test_service_code_filter(db, api_client, make):
    plastic = make(0)
    hyacinth = make(1, category=Category.WATER_HYACINTH)
    household = make(2, category=Category.HOUSEHOLD)
    response = api_client.get(url("requests"), {"service_code": "water_hyacinth"})
    assert ids(response) == [hyacinth.pk]
    response = api_client.get(url("requests"), {"service_code": "plastic,household"})
    assert sorted(ids(response)) == sorted([plastic.pk, household.pk])


def test_start_and_end_date_filters(db, api_client, make):
    old, recent = make(0), make(1)
    ten_days_ago = (timezone.now() - timedelta(days=10)).replace(microsecond=0)
    Hotspot.objects.filter(pk=old.pk).update(created_at=ten_days_ago)
    five_days_ago = (timezone.localtime() - timedelta(days=5)).isoformat()
    response = api_client.get(url("requests"), {"start_date": five_days_ago})
    assert ids(response) == [recent.pk]
    response = api_client.get(url("requests"), {"end_date": five_days_ago})
    assert ids(response) == [old.pk]
    # end_date is inclusive, to the second and for a bare date the whole day.
    exact = timezone.localtime(ten_days_ago).isoformat()
    assert ids(api_client.get(url("requests"), {"end_date": exact})) == [old.pk]
    day = timezone.localtime(ten_days_ago).date().isoformat()
    response = api_client.get(url("requests"), {"start_date": day, "end_date": day})
    assert ids(response) == [old.pk]


def test_unencoded_plus_in_a_date_still_parses(db, api_client, make):
    recent = make(0)
    since = (timezone.localtime() - timedelta(days=1)).replace(microsecond=0)
    # "+07:00" sent without URL-encoding arrives as " 07:00".
    raw = since.isoformat().replace("+", " ")
    response = api_client.get(url("requests") + "?start_date=" + raw)
    assert response.status_code == 200
    assert ids(response) == [recent.pk]


def test_service_request_id_filter_ignores_the_other_filters(db, api_client, make):
    first, second, _third = make(0), make(1), make(2)
    # By id a client follows its own requests: an unverified one is listed too
    # (as requests/{id} shows it), without its description.
    pending = make(3, status=Status.REPORTED, description="Sau nhà số 12")
    response = api_client.get(
        url("requests"),
        {
            "service_request_id": f"{first.pk},{second.pk},{pending.pk}",
            "service_code": "hazardous",
        },
    )
    assert sorted(ids(response)) == sorted([first.pk, second.pk, pending.pk])
    shown = {item["service_request_id"]: item for item in response.json()}
    assert shown[pending.pk]["status"] == "open"
    assert shown[pending.pk]["description"] == ""
    assert b"Sau nh" not in response.content


def test_unverified_hotspots_are_never_listed_without_ids(db, api_client, make):
    public = make(0)
    make(1, status=Status.REPORTED)
    make(2, status=Status.REJECTED)
    for params in ({}, {"status": "open"}, {"status": "closed"}):
        assert ids(api_client.get(url("requests"), params)) in ([public.pk], [])


def test_paging_with_next_link(db, api_client, make):
    created = [make(index) for index in range(5)]
    newest_first = [h.pk for h in reversed(created)]
    first = api_client.get(url("requests"), {"page_size": "2"})
    assert ids(first) == newest_first[:2]
    assert first["Link"] == (
        '<http://testserver/open311/v2/requests.json?page_size=2&page=2>; rel="next"'
    )
    third = api_client.get(url("requests"), {"page_size": "2", "page": "3"})
    assert ids(third) == newest_first[4:]
    assert "Link" not in third
    beyond = api_client.get(url("requests"), {"page_size": "2", "page": "9"})
    assert beyond.status_code == 200 and beyond.json() == []


def test_default_page_size_is_50(db, api_client, make):
    for index in range(51):
        make(index)
    response = api_client.get(url("requests"))
    assert len(response.json()) == 50
    assert "page=2" in response["Link"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2024-13-01T00:00:00"}, "end_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        (
            {"start_date": "2024-06-30T00:00:00", "end_date": "2024-06-01T00:00:00"},
            "end_date",
        ),
        ({"status": "pending"}, "status"),
        ({"service_code": "recycling"}, "service_code"),
        ({"service_request_id": "1,x"}, "service_request_id"),
        ({"service_request_id": "²"}, "service_request_id"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "201"}, "page_size"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400_naming_the_parameter(db, api_client, params, field, fmt):
    assert_error(api_client.get(url("requests", fmt), params), 400, field)


def test_request_detail_is_a_one_element_list(db, api_client, make):
    hotspot = make(0)
    response = api_client.get(url("request", request_id=hotspot.pk))
    assert response.status_code == 200
    assert ids(response) == [hotspot.pk]
    root = xml(api_client.get(url("request", "xml", request_id=hotspot.pk)))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        str(hotspot.pk)
    ]


def _image() -> CleanImage:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(out, "JPEG")
    return CleanImage(
        content=out.getvalue(),
        thumbnail=out.getvalue(),
        width=8,
        height=8,
        format="JPEG",
        extension=".jpg",
        content_type="image/jpeg",
    )


def test_request_detail_of_an_unverified_hotspot_hides_words_and_photo(
    db, api_client, make, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    hotspot = make(
        0, status=Status.REPORTED, description="Sau nhà số 12", images=[_image()]
    )
    assert hotspot.photos.exists()
    response = api_client.get(url("request", request_id=hotspot.pk))
    assert response.status_code == 200
    [item] = response.json()
    assert item["status"] == "open" and item["status_notes"] == "Mới báo cáo"
    assert item["description"] == "" and item["media_url"] == ""
    assert "xác minh" in item["service_notice"]
    # The location to ~100 m until an organiser has verified it.
    assert (item["long"], item["lat"]) == (round(spot(0)[0], 3), round(HUE[1], 3))
    assert b"/media/" not in response.content
    root = xml(api_client.get(url("request", "xml", request_id=hotspot.pk)))
    assert root.findtext("request/status") == "open"
    assert root.findtext("request/description") == ""
    assert root.findtext("request/media_url") == ""
    # Once verified: the description, the photo and the exact location.
    services.hotspot_verify(hotspot=hotspot, actor=builders.organiser())
    [item] = api_client.get(url("request", request_id=hotspot.pk)).json()
    assert item["description"] == "Sau nhà số 12"
    assert item["media_url"].startswith("http://testserver/media/")
    assert item["long"] == round(spot(0)[0], 6)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("status", "notes"),
    [(Status.REJECTED, "Bị từ chối"), (Status.DUPLICATE, "Trùng lặp")],
)
def test_request_detail_of_a_refused_hotspot_is_closed_without_location(
    db, api_client, make, fmt, status, notes
):
    kept = make(5)
    hotspot = make(0, status=Status.REPORTED, description="Nhà ông Ba")
    if status == Status.DUPLICATE:
        services.hotspot_merge(duplicate=hotspot, into=kept, actor=builders.organiser())
    else:
        services.hotspot_reject(
            hotspot=hotspot, actor=builders.organiser(), reason="Sai"
        )
    response = api_client.get(url("request", fmt, request_id=hotspot.pk))
    assert response.status_code == 200
    assert "Nhà ông Ba".encode() not in response.content
    assert str(round(spot(0)[0], 3)).encode() not in response.content
    if fmt == "json":
        [item] = response.json()
        assert (item["status"], item["status_notes"]) == ("closed", notes)
        assert item["lat"] is None and item["long"] is None
        if status == Status.DUPLICATE:
            assert item["extended_attributes"]["duplicate_of"] == kept.pk
            assert str(kept.pk) in item["service_notice"]
    else:
        root = xml(response)
        assert root.findtext("request/status") == "closed"
        assert root.findtext("request/status_notes") == notes
        assert root.findtext("request/lat") == ""


@pytest.mark.parametrize("request_id", ["999999", "abc", "٣"])
def test_request_detail_of_unknown_id_is_404(db, api_client, request_id):
    assert_error(api_client.get(url("request", request_id=request_id)), 404)


def test_no_personal_data_in_any_read(db, api_client, organiser, make):
    reporter = builders.user(username="nguoi-bao-cao")
    hotspot = make(
        0,
        reporter=reporter,
        contact=services.Contact(name="Nguyễn Văn An", phone=PHONE, email=EMAIL),
        contact_consent=True,
    )
    assert ReporterContact.objects.filter(hotspot=hotspot).exists()
    for fmt in ("json", "xml"):
        for response in (
            api_client.get(url("requests", fmt)),
            api_client.get(url("request", fmt, request_id=hotspot.pk)),
        ):
            assert response.status_code == 200
            raw = response.content
            assert str(hotspot.pk).encode() in raw  # the hotspot itself is there
            for secret in (EMAIL, PHONE_DIGITS, "Nguyễn Văn An", "nguoi-bao-cao"):
                assert secret.encode() not in raw, (fmt, secret)
            assert str(hotspot.follow_token).encode() not in raw
