import re

from django.urls import reverse

CDN = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[^\"' )]+\.(?:js|css)\b")


def test_healthz_reports_database_and_postgis(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert re.match(r"^3\.\d+", body["postgis"])


def test_home_page_is_vietnamese_with_map_and_approximate_note(demo_areas, client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Thử thách làm cho thế giới sạch hơn" in html
    assert "gần đúng" in html
    assert "Thành phố Huế" in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert not CDN.findall(html), CDN.findall(html)


def test_home_page_switches_to_english(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Challenge to make the world cleaner" in html


def test_api_docs_and_schema_load_nothing_from_a_cdn(db, client):
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert not CDN.findall(html), CDN.findall(html)
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/areas/locate/" in schema.content.decode()


def test_admin_area_editor_loads_openlayers_locally(demo_areas, admin_client):
    from geo.models import AdminArea

    area = AdminArea.objects.filter(level="district").first()
    response = admin_client.get(reverse("admin:geo_adminarea_change", args=[area.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/ol/ol.js" in html
    assert not CDN.findall(html), CDN.findall(html)


def test_unknown_page_is_a_vietnamese_404(db, client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_deeply_nested_json_body_is_400_not_500(db, api_client):
    body = "[" * 20000 + "]" * 20000
    response = api_client.post(
        reverse("api:auth-token"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_pages_stay_vietnamese_for_an_english_browser(db, client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert '<html lang="vi">' in html.decode()


def test_map_pages_allow_pinch_zoom(demo_areas, client):
    html = client.get(reverse("home")).content.decode()
    assert "user-scalable=no" not in html
    assert html.count('name="viewport"') == 1


def test_vector_tiles_do_not_vary_by_language_but_tilejson_does(demo_areas, client):
    """A tile holds codes, not words: one cached copy serves every language."""
    tile = client.get("/tiles/areas/0/0/0.mvt", headers={"accept-language": "en"})
    assert tile.status_code == 200
    assert "Accept-Language" not in tile.get("Vary", "")
    described = client.get("/tiles/areas.json", headers={"accept-language": "en"})
    assert "Accept-Language" in described["Vary"]
