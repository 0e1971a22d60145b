import io

import pytest
from django.contrib.gis.geos import Point
from PIL import Image
from playwright.sync_api import expect

from hotspots.models import Hotspot, SizeClass
from hotspots.services import hotspot_report

pytestmark = pytest.mark.browser


def jpeg_with_gps(path):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (16.0, 27.0, 49.0)
    gps[3] = "E"
    gps[4] = (107.0, 35.0, 27.0)
    Image.new("RGB", (640, 480), (40, 120, 60)).save(path, "JPEG", exif=exif)
    return path


def test_resident_reports_a_hotspot_with_a_photo(page, demo_areas_tx, tmp_path):
    photo = jpeg_with_gps(tmp_path / "canal.jpg")
    page.goto("/hotspots/report/")
    expect(page.locator("h1")).to_have_text("Báo cáo điểm nóng")
    page.locator("#report-map").click()  # pin at the map's centre (Huế)
    expect(page.locator("#location-status")).to_contain_text("Đã đặt ghim")
    page.get_by_text("Rác thải nhựa", exact=True).click()
    page.get_by_text("Vài túi / bao").click()
    page.set_input_files("#id_photos", str(photo))
    expect(page.locator("#photo-previews img")).to_have_count(1)
    page.fill("textarea[name=description]", "Rác nhựa dưới chân cầu")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("h1")).to_have_text("Cảm ơn bạn đã báo cáo!")
    expect(page.get_by_test_id("follow-status")).to_have_text("Mới báo cáo")
    assert page.outside_requests == []

    hotspot = Hotspot.objects.get()
    assert (hotspot.category, hotspot.size_class.key) == ("plastic", "several_bags")
    assert hotspot.location_source == "pin"
    assert hotspot.areas.filter(code="474").exists()  # Thành phố Huế
    stored = hotspot.photos.get()
    # (The live server serves media itself; the headers of our media view are
    # checked in tests/hotspots/test_api.py.)
    served = page.request.get(stored.image.url)
    assert served.status == 200
    body = served.body()
    assert b"Exif" not in body and b"PhoneMaker" not in body
    assert not Image.open(io.BytesIO(body)).getexif()


def test_report_next_to_an_open_hotspot_offers_to_confirm_it(page, demo_areas_tx):
    existing = hotspot_report(
        location=Point(107.59, 16.46, srid=4326),
        category="plastic",
        size_class=SizeClass.objects.get(key="cart"),
    ).hotspot
    page.goto("/hotspots/report/")
    page.locator("#report-map").click()  # the map's centre: the same spot
    expect(page.locator("#nearby")).to_be_visible()
    item = page.locator(".nearby-item")
    expect(item).to_have_count(1)
    item.get_by_role("button", name="Xác nhận điểm này").click()
    expect(item.locator(".success")).to_be_visible()
    existing.refresh_from_db()
    assert existing.confirmation_count == 1
    assert Hotspot.objects.count() == 1


def test_submitting_without_a_pin_says_what_is_missing(page, demo_areas_tx):
    page.goto("/hotspots/report/")
    page.get_by_text("Rác thải nhựa", exact=True).click()
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#error-lon")).to_contain_text("Hãy chạm vào bản đồ")
    assert Hotspot.objects.count() == 0
