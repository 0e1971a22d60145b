import json

from django.contrib.gis.geos import Point
from django.urls import reverse

from accounts.models import User
from hotspots.models import Hotspot, SizeClass
from hotspots.services import hotspot_report
from tests import builders
from tests.builders import PASSWORD


def test_my_data_lists_what_is_tied_to_my_account(demo_areas, client):
    lan = builders.user(username="lan", email="lan@example.vn")
    other = builders.user(username="hoa")
    size = SizeClass.objects.get(key="bag")
    mine = hotspot_report(
        location=Point(107.59, 16.46, srid=4326),
        category="plastic",
        size_class=size,
        reporter=lan,
        description="Của Lan",
    ).hotspot
    hotspot_report(
        location=Point(107.70, 16.44, srid=4326),
        category="plastic",
        size_class=size,
        reporter=other,
        description="Của Hoa",
    )
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
    hotspot = hotspot_report(
        location=Point(107.59, 16.46, srid=4326),
        category="plastic",
        size_class=SizeClass.objects.get(key="bag"),
        reporter=lan,
    ).hotspot
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
