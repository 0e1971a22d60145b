"""Freeze, tie decisions, publication and certificates (service level)."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.services import user_upsert
from events.errors import ContestError
from events.event_services import event_log
from events.judging import event_decide
from events.models import Certificate, EventDecision, TieBreak
from events.results import (
    campaign_freeze,
    campaign_reopen,
    current_freeze,
    results_publish,
    tie_decide,
)
from events.services import (
    Consents,
    PrizeLine,
    Representative,
    campaign_create,
    entrant_approve,
    entrant_register,
)

PASSWORD = "Mat-khau-dai-2024"


@pytest.fixture
def world(demo_areas):
    today = timezone.localdate()
    campaign = campaign_create(
        name="Thử nghiệm",
        slug="thu-nghiem",
        registration_start=today - dt.timedelta(days=10),
        registration_end=today + dt.timedelta(days=10),
        activity_start=today - dt.timedelta(days=10),
        activity_end=today + dt.timedelta(days=10),
        prizes=[
            PrizeLine("collective", 1, "Giải Nhất", 1, 3_000_000),
            PrizeLine("collective", 2, "Giải Nhì", 1, 2_000_000),
        ],
    )
    organiser, _ = user_upsert(username="btc", role="organiser", password=PASSWORD)
    judge, _ = user_upsert(username="bgk", role="judge", password=PASSWORD)
    secretary, _ = user_upsert(username="tk", role="secretary", password=PASSWORD)
    return campaign, organiser, judge, secretary


def team(campaign, organiser, judge, n: int, kg: str, *, publish=True):
    rep, _ = user_upsert(username=f"rep{n}", role="resident", password=PASSWORD)
    entrant = entrant_register(
        campaign=campaign,
        user=rep,
        kind="team",
        name=f"Đội Hương Giang số {n}",
        representative=Representative(
            f"Người đại diện {n}",
            dt.date(1990, 1, 1),
            f"090512345{n}",
            f"r{n}@example.vn",
        ),
        consents=Consents(participation=True, publish=publish),
        today=timezone.localdate() - dt.timedelta(days=5),
    )
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    # Whole hours: two teams' events end at the same moment (a real tie).
    start = (timezone.now() - dt.timedelta(hours=30)).replace(
        minute=0, second=0, microsecond=0
    )
    event, _ = event_log(
        entrant=entrant,
        user=rep,
        title="Thu gom",
        location=Point(107.59, 16.46, srid=4326),
        started_at=start,
        ended_at=start + dt.timedelta(hours=3),
        participants=["A", "B", "C"],
        weight_kg=kg,
        weight_method="measured",
    )
    event_decide(event=event, judge=judge, verdict="approve")
    return entrant, event


def test_freeze_snapshots_and_later_edits_change_nothing(world):
    campaign, organiser, judge, secretary = world
    a, event_a = team(campaign, organiser, judge, 1, "100")
    b, _ = team(campaign, organiser, judge, 2, "50")
    freeze = campaign_freeze(campaign=campaign, actor=organiser)
    awards = freeze.snapshot["results"]["collective"]["awards"]
    assert [(x["entrant_id"], x["label"]) for x in awards] == [
        (a.pk, "Giải Nhất"),
        (b.pk, "Giải Nhì"),
    ]
    with pytest.raises(ContestError) as err:
        event_decide(event=event_a, judge=judge, verdict="reject", reason="muộn")
    assert err.value.code == "frozen"
    assert EventDecision.objects.filter(verdict="reject").count() == 0
    with pytest.raises(ContestError):
        campaign_freeze(campaign=campaign, actor=organiser)


def test_reopen_is_recorded_and_a_new_freeze_follows_the_new_decisions(world):
    campaign, organiser, judge, secretary = world
    a, event_a = team(campaign, organiser, judge, 1, "100")
    b, _ = team(campaign, organiser, judge, 2, "50")
    first = campaign_freeze(campaign=campaign, actor=organiser)
    with pytest.raises(ContestError):
        campaign_reopen(campaign=campaign, actor=organiser, reason=" ")
    campaign_reopen(campaign=campaign, actor=organiser, reason="Khiếu nại của đội 2")
    first.refresh_from_db()
    assert (
        first.reopened_by == organiser and first.reopen_reason == "Khiếu nại của đội 2"
    )
    event_decide(event=event_a, judge=judge, verdict="reject", reason="Ảnh không khớp")
    second = campaign_freeze(campaign=campaign, actor=organiser)
    assert current_freeze(campaign) == second
    awards = second.snapshot["results"]["collective"]["awards"]
    assert [x["entrant_id"] for x in awards] == [b.pk]


def test_only_organisers_freeze_and_secretaries_publish(world):
    campaign, organiser, judge, secretary = world
    team(campaign, organiser, judge, 1, "100")
    with pytest.raises(ContestError) as err:
        campaign_freeze(campaign=campaign, actor=judge)
    assert err.value.status == 403
    campaign_freeze(campaign=campaign, actor=organiser)
    with pytest.raises(ContestError):
        results_publish(campaign=campaign, actor=judge)
    freeze = results_publish(campaign=campaign, actor=secretary)
    assert freeze.published_by == secretary and freeze.published_at


def test_publication_issues_one_certificate_per_award(world):
    campaign, organiser, judge, secretary = world
    a, _ = team(campaign, organiser, judge, 1, "100")
    team(campaign, organiser, judge, 2, "50")
    team(campaign, organiser, judge, 3, "10")  # third: no prize
    with pytest.raises(ContestError):
        results_publish(campaign=campaign, actor=secretary)  # not frozen
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    results_publish(campaign=campaign, actor=secretary)  # idempotent
    certificates = list(Certificate.objects.order_by("prize_rank"))
    assert [(c.entrant_name, c.prize_label) for c in certificates] == [
        ("Đội Hương Giang số 1", "Giải Nhất"),
        ("Đội Hương Giang số 2", "Giải Nhì"),
    ]
    assert len({c.code for c in certificates}) == 2
    assert all(len(c.code) == 8 for c in certificates)
    campaign_reopen(campaign=campaign, actor=organiser, reason="Sai sót")
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 0


def test_boundary_tie_blocks_publication_until_the_jury_orders_it(world):
    campaign, organiser, judge, secretary = world
    a, _ = team(campaign, organiser, judge, 1, "100")
    b, _ = team(campaign, organiser, judge, 2, "100")
    with pytest.raises(ContestError) as err:
        tie_decide(
            campaign=campaign,
            category="collective",
            order=[b.pk, 999],
            judge=judge,
            reason="x",
        )
    assert err.value.code == "not_a_tie"
    tie_decide(
        campaign=campaign,
        category="collective",
        order=[b.pk, a.pk],
        judge=judge,
        reason="Đội 2 làm sạch điểm khó tiếp cận hơn",
    )
    assert TieBreak.objects.count() == 1
    freeze = campaign_freeze(campaign=campaign, actor=organiser)
    awards = freeze.snapshot["results"]["collective"]["awards"]
    assert [x["entrant_id"] for x in awards] == [b.pk, a.pk]
    results_publish(campaign=campaign, actor=secretary)
    assert Certificate.objects.count() == 2


def test_unresolved_tie_refuses_publication(world):
    campaign, organiser, judge, secretary = world
    team(campaign, organiser, judge, 1, "100")
    team(campaign, organiser, judge, 2, "100")
    freeze = campaign_freeze(campaign=campaign, actor=organiser)
    assert freeze.snapshot["results"]["collective"]["boundary_ties"]
    with pytest.raises(ContestError) as err:
        results_publish(campaign=campaign, actor=secretary)
    assert err.value.code == "unresolved_ties"
