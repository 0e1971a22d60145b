import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from accounts.phones import normalize_phone
from accounts.roles import Role, has_role

TOKEN = reverse("api:auth-token")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0905 123 456", "+84905123456"),
        ("+84 905 123 456", "+84905123456"),
        ("0084905123456", "+84905123456"),
        ("0234.3822.123", "+842343822123"),
        ("12345", None),
        ("not a phone", None),
    ],
)
def test_vietnamese_phone_formats(raw, e164):
    assert normalize_phone(raw) == e164


def test_add_user_creates_then_updates_with_role(db, capsys):
    call_command(
        "add_user",
        "bgk1",
        "--role",
        "judge",
        "--email",
        "bgk1@example.vn",
        "--password",
        "mat-khau-dai-123",
    )
    user = User.objects.get(username="bgk1")
    assert has_role(user, Role.JUDGE) and not has_role(user, Role.ORGANISER)
    assert user.check_password("mat-khau-dai-123")
    call_command(
        "add_user", "bgk1", "--role", "judge", "--password", "mat-khau-moi-456"
    )
    assert User.objects.filter(username="bgk1").count() == 1
    assert User.objects.get(username="bgk1").check_password("mat-khau-moi-456")
    assert "Updated user bgk1" in capsys.readouterr().out


def test_add_user_reads_password_from_environment(db, monkeypatch):
    monkeypatch.setenv("ADD_USER_PASSWORD", "tu-bien-moi-truong-789")
    call_command("add_user", "btc1", "--role", "organiser")
    user = User.objects.get(username="btc1")
    assert user.check_password("tu-bien-moi-truong-789") and user.is_staff


def test_add_user_without_any_password_fails_clearly(db, monkeypatch):
    monkeypatch.delenv("ADD_USER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="No password"):
        call_command("add_user", "x", "--role", "ioc", interactive=False)
    assert not User.objects.filter(username="x").exists()


def test_token_for_valid_credentials_and_used_by_clients(db, api_client):
    call_command("add_user", "ioc1", "--role", "ioc", "--password", "mat-khau-dai-123")
    response = api_client.post(
        TOKEN, {"username": "ioc1", "password": "mat-khau-dai-123"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(reverse("api:geo:area-list")).status_code == 200


def test_token_with_wrong_password_is_400_naming_the_field(db, api_client):
    call_command("add_user", "ioc1", "--role", "ioc", "--password", "mat-khau-dai-123")
    response = api_client.post(
        TOKEN, {"username": "ioc1", "password": "sai"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "password"
    missing = api_client.post(TOKEN, {"password": "x"}, format="json")
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "username"


def test_sign_up_requires_explicit_consent(db, client):
    form = {
        "identifier": "0905 123 456",
        "password1": "Rac-thai-nhua-2024",
        "password2": "Rac-thai-nhua-2024",
    }
    page = client.get(reverse("accounts:signup")).content.decode()
    assert 'name="accept_terms"' in page and "checked" not in page
    response = client.post(reverse("accounts:signup"), form)
    assert response.status_code == 200
    assert "Bạn cần đồng ý với điều khoản" in response.content.decode()
    assert not User.objects.exists()
    response = client.post(reverse("accounts:signup"), {**form, "accept_terms": "on"})
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.phone, user.terms_version) == ("+84905123456", "2026-11")
    assert user.terms_accepted_at is not None
    assert has_role(user, Role.RESIDENT)


def test_sign_up_by_email_then_log_in_with_it(db, client):
    client.post(
        reverse("accounts:signup"),
        {
            "identifier": "Lan@Example.vn",
            "password1": "Rac-thai-nhua-2024",
            "password2": "Rac-thai-nhua-2024",
            "accept_terms": "on",
        },
    )
    client.logout()
    response = client.post(
        reverse("accounts:login"),
        {"username": "lan@example.vn", "password": "Rac-thai-nhua-2024"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].email == "lan@example.vn"


def test_log_in_with_national_phone_format(db, client):
    User.objects.create_user(
        "+84905123456", phone="+84905123456", password="Mat-khau-2024"
    )
    # django-axes (the lockout) needs the request that signs in.
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    assert client.login(
        request=request, username="0905.123.456", password="Mat-khau-2024"
    )
