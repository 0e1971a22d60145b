"""Missing or invalid API credentials: 401 with WWW-Authenticate, in Vietnamese."""

import pytest
from rest_framework.authtoken.models import Token

from tests import builders


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-key", "Token", "Token two words", "Bearer abc", "Token \x7f"],
)
def test_a_bad_token_is_401_with_a_challenge(db, client, header):
    response = client.get("/api/v1/hotspots/", HTTP_AUTHORIZATION=header)
    if header == "Bearer abc":  # another scheme: not ours, so no credential at all
        assert response.status_code == 200
        return
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["message"] == "Mã truy cập không hợp lệ."


def verify_url() -> str:
    return f"/api/v1/hotspots/{builders.hotspot().pk}/verify/"


def test_missing_credentials_on_a_protected_endpoint_is_401(db, client):
    url = verify_url()
    response = client.post(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "mã truy cập" in response.json()["error"]["message"]
    english = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 401
    assert english.json()["error"]["message"].startswith("Sign in or send an API token")


def test_a_valid_token_and_a_wrong_role_is_403(db, client):
    resident = builders.user(username="cu-dan")
    token = Token.objects.create(user=resident)
    response = client.post(verify_url(), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_a_valid_token_of_an_organiser_passes(db, client):
    token = Token.objects.create(user=builders.organiser())
    response = client.post(verify_url(), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_session_writes_still_need_csrf(db):
    from django.test import Client

    organiser = builders.organiser()
    hotspot = builders.hotspot()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)
    response = browser.post(f"/api/v1/hotspots/{hotspot.pk}/verify/", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_open311_answers_401_to_a_bad_token(db, client):
    response = client.post(
        "/open311/v2/requests.json",
        {"service_code": "plastic", "lat": "16.4698", "long": "107.5786"},
        HTTP_AUTHORIZATION="Token wrong",
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()[0]["description"] == "Mã truy cập không hợp lệ."


def test_ogc_ignores_the_authorization_header(db, client):
    """OGC API Features is anonymous public read: it authenticates no one, so a
    header it does not read changes nothing (and never gives a 500)."""
    for header in ("Token wrong", "Basic !!!", "Token \x00"):
        response = client.get("/ogc/collections", HTTP_AUTHORIZATION=header)
        assert response.status_code == 200
