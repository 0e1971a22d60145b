"""The jury's decisions (service level): verdicts, audit trail, conflicts, hotspots."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point

from events.campaigns.services import Person
from events.errors import ContestError
from events.judging.services import conflict_reason, event_decide
from events.models import ConflictDeclaration, EventDecision, JudgeProfile
from tests import builders

HUE = Point(107.6060, 16.4550, srid=4326)


@pytest.fixture
def setup(demo_areas, organiser):
    """A submitted 80 kg event claiming a verified hotspot, and the judge."""
    _campaign, _rep, entrant, judge = builders.contest(
        organisation="Đoàn phường Vĩnh Ninh",
        members=[Person("Trần Văn Minh", email="minh@example.vn")],
    )
    hotspot = builders.hotspot(
        location=HUE, size="cart", status="verified", actor=organiser
    )
    event = builders.event(
        entrant=entrant,
        title="Vớt rác",
        location=HUE,
        hours=3,
        participants=["Trần Văn Minh", "Người dân"],
        kg="80.00",
        plastic_kg="50",
        hotspot_ids=[hotspot.pk],
    )
    return event, judge, hotspot


def test_approve_keeps_the_reported_figures_and_records_them(setup):
    event, judge, _ = setup
    decision = event_decide(event=event, judge=judge, verdict="approve")
    event.refresh_from_db()
    assert event.status == "approved" and event.current_decision == decision
    assert decision.verified_weight_kg == Decimal("80.00")
    assert decision.before["status"] == "submitted"
    assert decision.after == {
        **decision.after,
        "status": "approved",
        "weight_kg": "80.00",
    }


def test_adjust_needs_a_reason_and_consistent_figures(setup):
    event, judge, _ = setup
    with pytest.raises(ContestError) as err:
        event_decide(
            event=event, judge=judge, verdict="adjust", weight_kg=60, method="measured"
        )
    assert err.value.field == "reason"
    with pytest.raises(ContestError) as err:
        event_decide(
            event=event,
            judge=judge,
            verdict="adjust",
            reason="Cân lại",
            weight_kg=60,
            plastic_kg=70,
            method="measured",
        )
    assert err.value.field == "breakdown"
    with pytest.raises(ContestError) as err:
        event_decide(
            event=event,
            judge=judge,
            verdict="adjust",
            reason="Cân lại",
            weight_kg="6.001",
            method="measured",
        )
    assert err.value.field == "weight_kg"
    assert not EventDecision.objects.exists()
    decision = event_decide(
        event=event,
        judge=judge,
        verdict="adjust",
        reason="Cân lại",
        weight_kg="60.5",
        plastic_kg=40,
        method="measured",
    )
    event.refresh_from_db()
    assert event.status == "adjusted"
    assert (decision.verified_weight_kg, decision.verified_method) == (
        Decimal("60.50"),
        "measured",
    )
    assert (
        decision.before["weight_kg"] == "80.00"
        and decision.after["weight_kg"] == "60.50"
    )


def test_latest_decision_is_current_and_all_are_kept(setup):
    event, judge, _ = setup
    first = event_decide(
        event=event,
        judge=judge,
        verdict="adjust",
        reason="Cân lại",
        weight_kg=60,
        method="measured",
    )
    second = event_decide(event=event, judge=judge, verdict="approve")
    event.refresh_from_db()
    assert event.current_decision == second and event.status == "approved"
    # approving after an adjustment keeps the adjusted figures
    assert second.verified_weight_kg == Decimal("60.00")
    assert list(event.decisions.values_list("id", flat=True)) == [first.pk, second.pk]


def test_reject_needs_a_reason_and_reopens_the_claimed_hotspot(setup):
    event, judge, hotspot = setup
    hotspot.refresh_from_db()
    assert hotspot.status == "cleaned"
    with pytest.raises(ContestError):
        event_decide(event=event, judge=judge, verdict="reject", reason="  ")
    event_decide(event=event, judge=judge, verdict="reject", reason="Ảnh không khớp")
    hotspot.refresh_from_db()
    assert hotspot.status == "verified"
    assert hotspot.history.filter(action="unclean", details__event=event.pk).exists()


def test_decisions_are_immutable(setup):
    event, judge, _ = setup
    decision = event_decide(event=event, judge=judge, verdict="approve")
    decision.reason = "sửa lại"
    with pytest.raises(ValueError):
        decision.save()


def test_only_judges_decide(setup):
    event, _, _ = setup
    organiser = builders.user(username="btc2", role="organiser")
    with pytest.raises(ContestError) as err:
        event_decide(event=event, judge=organiser, verdict="approve")
    assert err.value.status == 403


@pytest.mark.parametrize(
    "link", ["declared", "member_email", "organisation", "representative"]
)
def test_conflicts_of_interest_block_the_judge(setup, link):
    event, judge, _ = setup
    entrant = event.entrant
    if link == "declared":
        ConflictDeclaration.objects.create(
            judge=judge, entrant=entrant, reason="Người quen"
        )
    elif link == "member_email":
        judge.email = "MINH@example.vn"
        judge.save()
    elif link == "organisation":
        JudgeProfile.objects.create(user=judge, organisation="đoàn phường vĩnh ninh")
    else:
        entrant.representative = judge
        entrant.save()
    assert conflict_reason(judge, entrant)
    with pytest.raises(ContestError) as err:
        event_decide(event=event, judge=judge, verdict="approve")
    assert (err.value.code, err.value.status) == ("conflict_of_interest", 403)
    assert not EventDecision.objects.exists()


def test_no_conflict_for_an_unrelated_judge(setup):
    event, judge, _ = setup
    JudgeProfile.objects.create(user=judge, organisation="Sở Tài nguyên và Môi trường")
    assert conflict_reason(judge, event.entrant) is None


def test_review_api_contract(setup, api_client):
    from django.urls import reverse

    event, judge, _ = setup
    url = reverse("api:events-api:event-review", args=[event.pk])
    rep = event.entrant.representative
    api_client.force_authenticate(rep)
    assert (
        api_client.post(url, {"decision": "approve"}, format="json").status_code == 403
    )
    api_client.force_authenticate(judge)
    bad = api_client.post(
        url,
        {
            "decision": "adjust",
            "reason": "Cân lại",
            "verified_weight_kg": "10",
            "verified_breakdown": {"plastic_kg": "20"},
            "verified_method": "measured",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "verified_breakdown"
    missing = api_client.post(url, {"decision": "adjust", "reason": "x"}, format="json")
    assert missing.json()["error"]["field"] == "verified_weight_kg"
    ok = api_client.post(
        url,
        {
            "decision": "adjust",
            "reason": "Cân lại",
            "verified_weight_kg": "60",
            "verified_breakdown": {"plastic_kg": "45", "water_hyacinth_kg": "0"},
            "verified_method": "measured",
        },
        format="json",
    )
    assert ok.status_code == 201
    assert ok.json()["verified"]["weight_kg"] == "60.00"
    event.refresh_from_db()
    assert event.status == "adjusted"
