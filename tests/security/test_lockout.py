"""25 wrong passwords lock the login: every login form and the token endpoint.

django-axes counts failures per (identifier typed, client address); after
AXES_FAILURE_LIMIT the pair is refused for the cool-off, with a 429, a
Retry-After and a Vietnamese message (English under Accept-Language: en).
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests import builders

PASSWORD = "Mat-khau-2024"
WRONG = 25


@pytest.fixture(autouse=True)
def _no_token_rate(monkeypatch):
    """The token endpoint's rate (20/min per address) would answer first."""
    monkeypatch.setattr("accounts.apis.TokenThrottle.rate", "1000/min")


@pytest.fixture
def member(db):
    user = builders.user(
        username="cu-dan", email="cu.dan@example.org", password=PASSWORD
    )
    user.phone = "+84905123456"
    user.save()
    return user


def login_page(client, username, password, **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, **headers
    )


def admin_login(client, username, password, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **headers,
    )


def token(client, username, password, **headers):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        **headers,
    )


def test_the_limit_is_at_most_25():
    assert 1 <= settings.AXES_FAILURE_LIMIT <= WRONG


@pytest.mark.parametrize("form", [login_page, admin_login], ids=["accounts", "admin"])
def test_wrong_passwords_lock_a_login_form(member, form):
    client = Client()
    codes = [form(client, "cu-dan", f"sai-{i}").status_code for i in range(WRONG)]
    limit = settings.AXES_FAILURE_LIMIT
    assert codes[: limit - 1] == [200] * (limit - 1)  # the form again, with an error
    assert codes[limit - 1 :] == [429] * (WRONG - limit + 1)
    # The right password is refused too while the lockout lasts.
    locked = form(client, "cu-dan", PASSWORD)
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 30 * 60
    html = locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in html and "phút" in html
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_locks_with_the_error_shape(member):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    codes = [token(client, "cu-dan", f"sai-{i}").status_code for i in range(WRONG)]
    assert codes[: limit - 1] == [400] * (limit - 1)
    assert codes[limit - 1 :] == [429] * (WRONG - limit + 1)
    locked = token(client, "cu-dan", PASSWORD)
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    error = locked.json()["error"]
    assert error["code"] == "locked_out"
    assert error["message"].startswith("Đăng nhập sai quá nhiều lần")
    english = token(client, "cu-dan", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429
    assert english.json()["error"]["message"].startswith("Too many failed sign-ins")


def test_every_channel_counts_together(member):
    """The page, the admin and the API count the same pair: one budget."""
    client = Client()
    channels = [login_page, admin_login, token]
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        channels[i % 3](client, "cu-dan", f"sai-{i}")
    assert login_page(client, "cu-dan", "sai-last").status_code == 429
    assert token(client, "cu-dan", PASSWORD).status_code == 429


def test_spellings_of_one_account_count_together(member):
    client = Client()
    spellings = ["cu.dan@example.org", "CU.DAN@example.org", " Cu.Dan@Example.org "]
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        login_page(client, spellings[i % 3], "sai")
    assert login_page(client, "cu.dan@EXAMPLE.org", "sai").status_code == 429
    assert login_page(client, "cu.dan@example.org", PASSWORD).status_code == 429
    phones = ["0905 123 456", "+84905123456", "0905.123.456"]
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        login_page(client, phones[i % 3], "sai")
    assert login_page(client, "0905123456", "sai").status_code == 429
    assert login_page(client, "+84 905 123 456", PASSWORD).status_code == 429


def test_another_address_and_another_account_are_not_locked(member):
    client = Client()
    for i in range(WRONG):
        login_page(client, "cu-dan", f"sai-{i}")
    # The owner, from elsewhere, signs in: the pair is locked, not the account.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert login_page(elsewhere, "cu-dan", PASSWORD).status_code == 302
    # Another account from the locked address is not locked either.
    builders.user(username="ban-khac", password=PASSWORD)
    assert login_page(client, "ban-khac", PASSWORD).status_code == 302


def test_the_address_honours_num_proxies(member, settings):
    """Behind one proxy the client is X-Forwarded-For's last entry, as for the
    throttles; without a proxy setting the header is ignored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        client = Client()
        for i in range(WRONG):
            login_page(
                client, "cu-dan", f"sai-{i}", HTTP_X_FORWARDED_FOR="198.51.100.7"
            )
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
            "198.51.100.7"
        }
        other = login_page(
            client, "cu-dan", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8"
        )
        assert other.status_code == 302
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()


def test_the_lockout_ends_after_the_cool_off(member):
    client = Client()
    for i in range(WRONG):
        login_page(client, "cu-dan", f"sai-{i}")
    assert login_page(client, "cu-dan", PASSWORD).status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    assert login_page(client, "cu-dan", PASSWORD).status_code == 302


def test_a_success_resets_the_count(member):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):
        login_page(client, "cu-dan", f"sai-{i}")
    assert login_page(client, "cu-dan", PASSWORD).status_code == 302
    client.logout()
    for i in range(limit - 1):
        assert login_page(client, "cu-dan", f"sai-{i}").status_code == 200


def test_hostile_identifiers_do_not_500(member):
    client = Client()
    for username in ["x" * 5000, "a\x00b", "😀" * 300, ""]:
        response = login_page(client, username, "sai")
        assert response.status_code in (200, 429)
        response = token(client, username, "sai")
        assert response.status_code in (400, 429)
