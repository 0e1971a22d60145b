"""Campaigns, registration, eligibility and approval through the API."""

import datetime as dt

import pytest
from django.core import mail
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from events.campaigns.selectors import latest_consent, latest_consents, latest_granted
from events.campaigns.services import PrizeLine, campaign_create
from events.models import Campaign, CampaignRole, Consent, Entrant
from tests import builders
from tests.builders import days

CAMPAIGNS = reverse("api:events-api:campaign-list")
ENTRANTS = reverse("api:events-api:entrant-list")


@pytest.fixture
def campaign(db):
    return builders.campaign(
        name="Chủ nhật xanh thử nghiệm",
        registration=(-5, 20),
        activity=(-5, 25),
        prizes=[PrizeLine("collective", 1, "Giải Nhất", 1, 3_000_000)],
    )


def client_for(api_client, username: str, role: str = "resident"):
    user = builders.user(username=username, role=role)
    api_client.force_authenticate(user)
    return user


def registration(slug="thu-nghiem", **extra):
    body = {
        "campaign": slug,
        "kind": "team",
        "name": "Đội Sông Hương Xanh",
        "representative": {
            "full_name": "Nguyễn Thị Lan",
            "date_of_birth": "1995-04-12",
            "organisation": "Đoàn phường Vĩnh Ninh",
            "phone": "0905 123 456",
            "email": "lan@example.vn",
        },
        "members": [{"full_name": "Trần Văn Minh"}, {"full_name": "Lê Thị Hoa"}],
        "consents": {"participation": True, "contact": True, "publish": False},
    }
    body.update(extra)
    return body


# --- campaigns --------------------------------------------------------------


def test_campaigns_are_public_with_prizes_and_phase(campaign, api_client):
    body = api_client.get(CAMPAIGNS).json()
    assert [c["slug"] for c in body] == ["thu-nghiem"]
    assert body[0]["phase"] == "activity"
    assert body[0]["prizes"] == [
        {
            "category": "collective",
            "rank": 1,
            "label": "Giải Nhất",
            "count": 1,
            "amount_vnd": 3000000,
        }
    ]
    detail = api_client.get(
        reverse("api:events-api:campaign-detail", args=["thu-nghiem"])
    )
    assert (
        detail.status_code == 200
        and detail.json()["scoring"]["priority_multiplier"] == 1.5
    )
    assert (
        api_client.get(
            reverse("api:events-api:campaign-detail", args=["x"])
        ).status_code
        == 404
    )


def test_organisers_create_campaigns_with_default_weights(db, api_client):
    body = {
        "name": "Chủ nhật xanh 2027",
        "slug": "2027",
        "registration_start": "2027-06-01",
        "registration_end": "2027-06-30",
        "activity_start": "2027-06-02",
        "activity_end": "2027-06-30",
        "coverage_level": "commune",
        "prizes": [
            {
                "category": "collective",
                "rank": 1,
                "label": "Nhất",
                "count": 1,
                "amount_vnd": 3000000,
            },
            {
                "category": "individual",
                "rank": 1,
                "label": "Cá nhân",
                "count": 5,
                "amount_vnd": 1000000,
            },
        ],
        "plausibility": {"max_kg_per_participant_hour": 40},
    }
    client_for(api_client, "dan")
    assert api_client.post(CAMPAIGNS, body, format="json").status_code == 403
    client_for(api_client, "btc", "organiser")
    response = api_client.post(CAMPAIGNS, body, format="json")
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(slug="2027")
    assert campaign.prizes.count() == 2
    assert campaign.plausibility["max_kg_per_participant_hour"] == 40
    assert campaign.plausibility["photo_hash_distance"] == 6  # default kept
    assert campaign.scoring["points_per_kg"]["plastic"] == 3.0
    again = api_client.post(CAMPAIGNS, body, format="json")
    assert again.status_code == 400 and again.json()["error"]["field"] == "slug"
    reversed_window = {**body, "slug": "x", "activity_end": "2027-05-01"}
    bad = api_client.post(CAMPAIGNS, reversed_window, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "activity_end"
    nan = api_client.post(
        CAMPAIGNS, {**body, "slug": "y", "scoring": {"a": "x"}}, format="json"
    )
    assert nan.status_code == 400 and nan.json()["error"]["field"] == "scoring"
    reserved = api_client.post(CAMPAIGNS, {**body, "slug": "me"}, format="json")
    assert reserved.status_code == 400
    assert (reserved.json()["error"]["code"], reserved.json()["error"]["field"]) == (
        "reserved",
        "slug",
    )
    assert not Campaign.objects.filter(slug="me").exists()


def test_phase_follows_the_dates_and_the_override(campaign):
    assert campaign.phase_on(days(-10)) == "preparation"
    assert campaign.phase_on(days(0)) == "activity"
    assert campaign.phase_on(days(30)) == "judging"
    campaign.results_date = days(40)
    assert campaign.phase_on(days(41)) == "results"
    campaign.phase_override = "judging"
    assert campaign.phase_on(days(0)) == "judging"


# --- registration -----------------------------------------------------------


def test_resident_registers_a_pending_entrant_with_consents(campaign, api_client):
    client_for(api_client, "lan")
    with_callbacks = api_client.post(ENTRANTS, registration(), format="json")
    assert with_callbacks.status_code == 201, with_callbacks.json()
    body = with_callbacks.json()
    assert body["status"] == "pending"
    assert body["representative"]["phone"] == "+84905123456"
    assert [m["full_name"] for m in body["members"]] == ["Trần Văn Minh", "Lê Thị Hoa"]
    assert body["consents"]["participation"]["granted"] is True
    assert body["consents"]["publish"]["granted"] is False
    entrant = Entrant.objects.get()
    assert Consent.objects.filter(entrant=entrant).count() == 3
    assert set(Consent.objects.values_list("notice_version", flat=True)) == {"2026-11"}


def test_the_latest_consent_wins_in_python_and_in_sql_alike(campaign, api_client):
    client_for(api_client, "lan")
    assert api_client.post(ENTRANTS, registration(), format="json").status_code == 201
    entrant = Entrant.objects.get()
    # Two later answers on publishing recorded in the same instant: the later row
    # (by id) is the current one.
    later = [
        Consent.objects.create(
            entrant=entrant, purpose="publish", granted=granted, notice_version="v2"
        )
        for granted in (True, False)
    ]
    Consent.objects.filter(pk__in=[c.pk for c in later]).update(at=timezone.now())

    def answers() -> tuple:
        # Prefetched newest first: the rule must not lean on the list's order.
        fetched = Entrant.objects.prefetch_related(
            Prefetch("consents", queryset=Consent.objects.order_by("-id"))
        ).annotate(publish=latest_granted("publish", entrant_ref="pk"))[0]
        body = api_client.get(
            reverse("api:events-api:entrant-detail", args=[entrant.pk])
        )
        return (
            latest_consent(fetched, "publish"),
            fetched.publish,
            body.json()["consents"]["publish"]["granted"],
            latest_consents(fetched)["publish"].pk,
        )

    assert answers() == (False, False, False, later[1].pk)
    later[1].delete()
    assert answers() == (True, True, True, later[0].pk)


def test_registration_is_refused_outside_the_window(db, api_client):
    campaign_create(
        name="2024",
        slug="2024",
        registration_start=dt.date(2024, 6, 2),
        registration_end=dt.date(2024, 6, 30),
        activity_start=dt.date(2024, 6, 2),
        activity_end=dt.date(2024, 6, 30),
    )
    client_for(api_client, "lan")
    response = api_client.post(ENTRANTS, registration("2024"), format="json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        **response.json()["error"],
        "code": "registration_closed",
        "field": "campaign",
    }
    assert "02/06/2024" in response.json()["error"]["message"]
    assert not Entrant.objects.exists()


@pytest.mark.parametrize("role", ["organiser", "judge", "secretary", "helper"])
def test_staff_accounts_cannot_register(campaign, api_client, role):
    client_for(api_client, f"staff-{role}", role)
    response = api_client.post(ENTRANTS, registration(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_eligible"
    assert "II.2" in response.json()["error"]["message"]
    assert not Entrant.objects.exists()


def test_campaign_staff_role_also_excludes(campaign, api_client):
    user = client_for(api_client, "tro-ly")
    CampaignRole.objects.create(campaign=campaign, user=user, role="helper")
    assert api_client.post(ENTRANTS, registration(), format="json").status_code == 403


def test_staff_phone_or_email_cannot_be_representative_or_member(campaign, api_client):
    judge = builders.user(username="bgk", role="judge")
    judge.phone, judge.email = "+84914000111", "bgk@example.vn"
    judge.save()
    client_for(api_client, "lan")
    as_rep = registration()
    as_rep["representative"] = {**as_rep["representative"], "email": "BGK@example.vn"}
    response = api_client.post(ENTRANTS, as_rep, format="json")
    assert (
        response.status_code == 403
        and response.json()["error"]["field"] == "representative"
    )
    as_member = registration(members=[{"full_name": "Ai đó", "phone": "0914 000 111"}])
    response = api_client.post(ENTRANTS, as_member, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "members[0]"
    assert not Entrant.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"consents": {"participation": False, "contact": True}},
            "consents.participation",
        ),
        ({"kind": "club"}, "kind"),
        ({"name": ""}, "name"),
        ({"campaign": "khong-co"}, "campaign"),
        ({"members": [{"full_name": "  "}]}, "members[0].full_name"),
        ({"kind": "individual"}, "members"),
    ],
)
def test_bad_registrations_name_the_field(campaign, api_client, change, field):
    client_for(api_client, "lan")
    response = api_client.post(ENTRANTS, registration(**change), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert not Entrant.objects.exists()


@pytest.mark.parametrize(
    ("rep", "field"),
    [
        ({"phone": "12345"}, "representative.phone"),
        ({"email": "not-an-email"}, "representative.email"),
        ({"date_of_birth": "2999-01-01"}, "representative.date_of_birth"),
        ({"date_of_birth": "12/04/1995"}, "representative.date_of_birth"),
    ],
)
def test_bad_representative_data_names_the_field(campaign, api_client, rep, field):
    client_for(api_client, "lan")
    body = registration()
    body["representative"] = {**body["representative"], **rep}
    response = api_client.post(ENTRANTS, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_under_sixteen_needs_guardian_consent(campaign, api_client):
    client_for(api_client, "em")
    body = registration(kind="individual", members=[])
    young = (timezone.localdate() - dt.timedelta(days=365 * 14)).isoformat()
    body["representative"] = {**body["representative"], "date_of_birth": young}
    refused = api_client.post(ENTRANTS, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "consents.guardian"
    body["consents"] = {**body["consents"], "guardian": True}
    assert api_client.post(ENTRANTS, body, format="json").status_code == 201


def test_one_entrant_per_representative_per_campaign(campaign, api_client):
    client_for(api_client, "lan")
    assert api_client.post(ENTRANTS, registration(), format="json").status_code == 201
    again = api_client.post(ENTRANTS, registration(name="Đội khác"), format="json")
    assert (
        again.status_code == 400
        and again.json()["error"]["code"] == "already_registered"
    )


def test_anonymous_cannot_register_or_list(campaign, api_client):
    assert api_client.post(ENTRANTS, registration(), format="json").status_code == 401
    assert api_client.get(ENTRANTS).status_code == 401


# --- approval ---------------------------------------------------------------


def test_only_organisers_decide_and_the_representative_is_told(
    campaign, api_client, django_capture_on_commit_callbacks
):
    client_for(api_client, "lan")
    with django_capture_on_commit_callbacks(execute=True):
        pk = api_client.post(ENTRANTS, registration(), format="json").json()["id"]
    approve = reverse("api:events-api:entrant-approve", args=[pk])
    reject = reverse("api:events-api:entrant-reject", args=[pk])
    assert api_client.post(approve, {}, format="json").status_code == 403
    client_for(api_client, "bgk", "judge")
    assert api_client.post(approve, {}, format="json").status_code == 403
    client_for(api_client, "btc", "organiser")
    no_reason = api_client.post(reject, {"reason": " "}, format="json")
    assert (
        no_reason.status_code == 400 and no_reason.json()["error"]["field"] == "reason"
    )
    with django_capture_on_commit_callbacks(execute=True):
        approved = api_client.post(approve, {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    entrant = Entrant.objects.get(pk=pk)
    assert entrant.decided_by.username == "btc" and entrant.decided_at
    assert [m.to for m in mail.outbox] == [["lan@example.vn"], ["lan@example.vn"]]
    assert "duyệt" in mail.outbox[-1].subject
    twice = api_client.post(reject, {"reason": "muộn"}, format="json")
    assert twice.status_code == 409


def test_entrant_lists_are_private(campaign, api_client):
    client_for(api_client, "lan")
    api_client.post(ENTRANTS, registration(), format="json")
    client_for(api_client, "hoa")
    api_client.post(ENTRANTS, registration(name="Đội Hoa"), format="json")
    assert [e["name"] for e in api_client.get(ENTRANTS).json()] == ["Đội Hoa"]
    lan_entrant = Entrant.objects.get(name="Đội Sông Hương Xanh")
    detail = reverse("api:events-api:entrant-detail", args=[lan_entrant.pk])
    assert api_client.get(detail).status_code == 404
    client_for(api_client, "bgk", "judge")
    assert len(api_client.get(ENTRANTS).json()) == 2
    assert api_client.get(detail).json()["representative"]["email"] == "lan@example.vn"
