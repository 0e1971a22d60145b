import datetime as dt
import json

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from accounts import privacy
from accounts.models import User
from events.campaigns.services import (
    Consents,
    Representative,
    campaign_create,
    entrant_register,
)
from events.models import Entrant
from hotspots.models import Confirmation, Hotspot, SizeClass
from hotspots.services import hotspot_confirm, hotspot_report
from tests import builders
from tests.builders import PASSWORD


def report(reporter, lon: float = 107.59, lat: float = 16.46, **kwargs) -> Hotspot:
    return hotspot_report(
        location=Point(lon, lat, srid=4326),
        category="plastic",
        size_class=SizeClass.objects.get(key="bag"),
        reporter=reporter,
        **kwargs,
    ).hotspot


def test_my_data_lists_what_is_tied_to_my_account(demo_areas, client):
    lan = builders.user(username="lan", email="lan@example.vn")
    other = builders.user(username="hoa")
    mine = report(lan, description="Của Lan")
    report(other, 107.70, 16.44, description="Của Hoa")
    assert client.get(reverse("accounts:me-data")).status_code == 302  # log in first
    client.force_login(lan)
    response = client.get(reverse("accounts:me-data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "lan@example.vn"
    assert [h["id"] for h in data["hotspots_reported"]] == [mine.pk]
    assert "Của Hoa" not in response.content.decode()
    page = client.get(reverse("accounts:me")).content.decode()
    assert 'data-testid="my-hotspots">1<' in page


def test_deleting_my_account_keeps_my_reports_unlinked(demo_areas, client):
    lan = builders.user(username="lan")
    hotspot = report(lan)
    client.force_login(lan)
    wrong = client.post(reverse("accounts:me-delete"), {"password": "sai"})
    assert wrong.status_code == 302 and User.objects.filter(username="lan").exists()
    client.post(reverse("accounts:me-delete"), {"password": PASSWORD})
    assert not User.objects.filter(username="lan").exists()
    hotspot = Hotspot.objects.get(pk=hotspot.pk)
    assert hotspot.reporter is None
    assert client.get(reverse("accounts:me")).status_code == 302  # logged out


def test_staff_accounts_cannot_delete_themselves(db, client):
    judge = builders.user(username="bgk", role="judge")
    client.force_login(judge)
    response = client.post(
        reverse("accounts:me-delete"), {"password": PASSWORD}, follow=True
    )
    assert User.objects.filter(username="bgk").exists()
    assert "không tự xoá được" in response.content.decode()


def test_my_data_and_deletion_cover_confirmations_and_entrants(demo_areas, client):
    lan = builders.user(username="lan")
    hoa = builders.user(username="hoa")
    theirs = report(hoa)
    hotspot_confirm(hotspot=theirs, user=lan)
    today = timezone.localdate()
    campaign = campaign_create(
        name="Thử nghiệm",
        slug="thu-nghiem",
        registration_start=today - dt.timedelta(days=1),
        registration_end=today + dt.timedelta(days=10),
        activity_start=today,
        activity_end=today + dt.timedelta(days=10),
    )
    entrant = entrant_register(
        campaign=campaign,
        user=lan,
        kind="team",
        name="Đội Sông Hương",
        representative=Representative(
            "Nguyễn Thị Lan", dt.date(1995, 4, 12), "0905123456", "lan@example.vn"
        ),
        consents=Consents(participation=True),
    )
    client.force_login(lan)
    data = json.loads(client.get(reverse("accounts:me-data")).content)
    assert list(data) == [
        "account",
        "hotspots_reported",
        "confirmations",
        "entrants_represented",
        "notifications",
        "notification_preference",
    ]
    assert data["confirmations"] == [theirs.pk]
    assert data["entrants_represented"] == [
        {
            "id": entrant.pk,
            "campaign": "thu-nghiem",
            "name": "Đội Sông Hương",
            "status": entrant.status,
        }
    ]
    client.post(reverse("accounts:me-delete"), {"password": PASSWORD})
    assert not User.objects.filter(username="lan").exists()
    # The confirmation still counts and the entrant keeps its figures, unlinked.
    assert Confirmation.objects.get(hotspot=theirs).user is None
    assert Entrant.objects.get(pk=entrant.pk).representative is None


def test_hotspots_and_events_register_their_personal_data():
    assert [p.name for p in privacy.providers()] == [
        "hotspots",
        "events",
        "notifications",
    ]


def test_a_second_provider_under_a_taken_name_is_refused():
    hotspots = privacy.providers()[0]
    assert privacy.register(hotspots.name, export=hotspots.export, erase=hotspots.erase)
    with pytest.raises(ImproperlyConfigured):
        privacy.register(hotspots.name, export=lambda user: {})


def test_two_providers_exporting_one_section_is_an_error(db, monkeypatch):
    lan = builders.user(username="lan")
    clash = privacy.Provider("clash", export=lambda user: {"confirmations": []})
    monkeypatch.setitem(privacy._providers, "clash", clash)
    with pytest.raises(ImproperlyConfigured):
        privacy.account_data(lan)


def test_a_deletion_that_fails_erases_nothing(demo_areas, client, monkeypatch):
    lan = builders.user(username="lan")
    hotspot = report(lan)

    def protected(self, *args, **kwargs):
        raise ProtectedError("kept for the audit", set())

    monkeypatch.setattr(User, "delete", protected)
    client.force_login(lan)
    response = client.post(
        reverse("accounts:me-delete"), {"password": PASSWORD}, follow=True
    )
    assert "hồ sơ cần lưu" in response.content.decode()
    assert Hotspot.objects.get(pk=hotspot.pk).reporter == lan
