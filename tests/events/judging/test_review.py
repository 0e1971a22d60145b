"""The jury's pages and API: one event's review with the three decisions, the
review list's filters, the decision API (audit trail), the leaderboards, and two
judges deciding the same event at the same moment.

Request -> response -> database state, on the real PostGIS test database.
"""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.urls import reverse

from events.campaigns.services import Person
from events.judging.services import STATUS_FOR, event_decide
from events.models import (
    CleanupEvent,
    ConflictDeclaration,
    Entrant,
    EventDecision,
    EventStatus,
)
from events.results.services import campaign_freeze
from hotspots.models import SizeClass
from hotspots.services import hotspot_report, hotspot_set_priority, hotspot_verify
from tests import builders
from tests.events.campaigns.test_pages import make_campaign

# Inside the demo "Thành phố Huế" district.
HUE = Point(107.6060, 16.4550, srid=4326)


def person(username: str, role: str, **kwargs):
    return builders.user(username=username, role=role, **kwargs)


def enter(
    campaign,
    organiser,
    username: str,
    name: str,
    *,
    kind: str = "team",
    members: tuple[Person, ...] = (),
    phone: str = "0905123456",
):
    """Register an entrant and approve it; return (entrant, its representative)."""
    rep = person(username, "resident")
    entrant = builders.entrant(
        campaign=campaign,
        representative=rep,
        name=name,
        kind=kind,
        date_of_birth=dt.date(1990, 5, 1),
        phone=phone,
        email=f"{username}@example.vn",
        members=members,
        registered_on=campaign.registration_start + dt.timedelta(days=1),
        approved_by=organiser,
    )
    return entrant, rep


def log(entrant, rep, *, kg="50", method="measured", hours_ago=30, **extra):
    return builders.event(
        entrant=entrant,
        representative=rep,
        location=HUE,
        hours_ago=hours_ago,
        whole_hour=True,
        participants=["Trần Văn An", "Lê Thị Bình", "Phan Văn Cường"],
        kg=kg,
        method=method,
        **extra,
    )


@pytest.fixture
def contest(demo_areas, organiser, judge):
    """A team of the 2026 campaign (with its prizes) that logged one event."""
    campaign = make_campaign()
    entrant, rep = enter(
        campaign,
        organiser,
        "lan",
        "Đội Sông Hương",
        members=(Person("Trần Văn An", email="an@example.vn"),),
    )
    event = log(entrant, rep)
    return {
        "campaign": campaign,
        "organiser": organiser,
        "judge": judge,
        "entrant": entrant,
        "rep": rep,
        "event": event,
    }


def review_url(event) -> str:
    return reverse("events:event-review-one", args=[event.pk])


# --- the review page ------------------------------------------------------------


def test_judge_sees_the_evidence_and_the_three_decision_forms(contest, client):
    client.force_login(contest["judge"])
    page = client.get(review_url(contest["event"]))
    html = page.content.decode()
    assert page.status_code == 200
    for form in ("approve-form", "adjust-form", "reject-form"):
        assert f'data-testid="{form}"' in html
    for key in ("a", "d", "r"):
        assert f'accesskey="{key}"' in html
    assert "Phím tắt" in html  # the shortcuts are documented on the page
    assert "Phan Văn Cường" in html  # participants' names
    assert 'class="folium-map"' in html
    # No URL from a CDN (not a bare "cdn": a random CSRF token may contain that).
    assert not re.search(r"//[^\s\"'<>]*cdn", html, re.IGNORECASE)
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", ["organiser", "secretary"])
def test_organiser_and_secretary_see_the_review_read_only(contest, client, role):
    client.force_login(person(f"xem-{role}", role))
    page = client.get(review_url(contest["event"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="read-only"' in html
    assert 'data-testid="approve-form"' not in html
    refused = client.post(review_url(contest["event"]), {"verdict": "approve"})
    assert refused.status_code == 403
    assert not EventDecision.objects.exists()


def test_resident_is_refused_and_anonymous_sent_to_log_in(contest, client):
    url = review_url(contest["event"])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    client.force_login(contest["rep"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"verdict": "approve"}).status_code == 403
    assert not EventDecision.objects.exists()


def test_unknown_event_review_is_404(contest, client):
    client.force_login(contest["judge"])
    response = client.get(reverse("events:event-review-one", args=[99999]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"verdict": "approve", "approve-reason": ""}, EventStatus.APPROVED),
        (
            {
                "verdict": "adjust",
                "adjust-weight_kg": "40.5",
                "adjust-plastic_kg": "30",
                "adjust-water_hyacinth_kg": "",
                "adjust-other_kg": "10",
                "adjust-method": "estimated",
                "adjust-reason": "Ảnh cho thấy ít hơn",
            },
            EventStatus.ADJUSTED,
        ),
        (
            {"verdict": "reject", "reject-reason": "Ảnh lấy từ sự kiện khác"},
            EventStatus.REJECTED,
        ),
    ],
)
def test_judge_decides_through_the_page(contest, client, data, status):
    event = contest["event"]
    client.force_login(contest["judge"])
    response = client.post(review_url(event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    decision = EventDecision.objects.get()
    assert event.status == status
    assert event.current_decision == decision
    assert decision.judge == contest["judge"] and decision.verdict == data["verdict"]
    if data["verdict"] == "adjust":
        assert decision.verified_weight_kg == Decimal("40.50")
        assert decision.verified_plastic_kg == Decimal("30.00")
        assert decision.verified_method == "estimated"
        assert decision.reason == "Ảnh cho thấy ít hơn"
    # The decision is in the history on the page, with before -> after.
    html = client.get(review_url(event)).content.decode()
    assert html.count('data-testid="decision"') == 1
    trail = html.split('data-testid="before-after">')[1].split("</span>")[0]
    assert trail.startswith("50,00 kg · Cân đo · Đã nộp → ")
    assert trail.endswith(event.get_status_display())
    assert "bgk" in html


def test_adjust_without_reason_shows_the_error_and_records_nothing(contest, client):
    event = contest["event"]
    client.force_login(contest["judge"])
    response = client.post(
        review_url(event),
        {
            "verdict": "adjust",
            "adjust-weight_kg": "20",
            "adjust-method": "measured",
            "adjust-reason": "   ",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="adjust-reason-error"' in html and "Cần ghi lý do." in html
    assert 'value="20"' in html  # what the judge typed is kept
    assert not EventDecision.objects.exists()
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED


def test_adjust_with_parts_above_the_total_is_explained(contest, client):
    client.force_login(contest["judge"])
    response = client.post(
        review_url(contest["event"]),
        {
            "verdict": "adjust",
            "adjust-weight_kg": "10",
            "adjust-plastic_kg": "30",
            "adjust-method": "measured",
            "adjust-reason": "Cân lại",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="adjust-error"' in html
    assert "không được lớn hơn tổng khối lượng" in html
    assert not EventDecision.objects.exists()


@pytest.mark.parametrize("link", ["declared", "member_email"])
def test_conflicted_judge_sees_why_and_cannot_decide(contest, client, link):
    judge, entrant = contest["judge"], contest["entrant"]
    if link == "declared":
        ConflictDeclaration.objects.create(
            judge=judge, entrant=entrant, reason="Con tôi trong đội"
        )
    else:
        judge.email = "AN@example.vn"  # a member's email, another case
        judge.save()
    client.force_login(judge)
    url = review_url(contest["event"])
    html = client.get(url).content.decode()
    assert 'data-testid="conflict"' in html
    assert 'data-testid="approve-form"' not in html
    assert 'data-testid="reject-form"' not in html
    refused = client.post(url, {"verdict": "approve"})
    assert refused.status_code == 403
    assert not EventDecision.objects.exists()
    contest["event"].refresh_from_db()
    assert contest["event"].status == EventStatus.SUBMITTED


def test_after_deciding_the_judge_goes_to_the_next_event_they_may_review(
    contest, client
):
    campaign, organiser, judge = (
        contest["campaign"],
        contest["organiser"],
        contest["judge"],
    )
    first, rep = contest["event"], contest["rep"]
    other, other_rep = enter(
        campaign, organiser, "hoa", "Đội Phú Hội", phone="0905999888"
    )
    conflicted = log(other, other_rep, hours_ago=20)  # submitted second
    third = log(contest["entrant"], rep, hours_ago=10)  # submitted third
    ConflictDeclaration.objects.create(judge=judge, entrant=other)
    client.force_login(judge)

    response = client.post(review_url(first), {"verdict": "approve"})
    assert response.status_code == 302
    assert response["Location"] == review_url(third)  # the conflicted one skipped
    assert "Đã ghi quyết định" in client.get(response["Location"]).content.decode()

    response = client.post(review_url(third), {"verdict": "approve"})
    assert response["Location"] == reverse("events:event-review", args=[campaign.slug])
    conflicted.refresh_from_db()
    assert conflicted.status == EventStatus.SUBMITTED


# --- the review list's filters --------------------------------------------------


def test_review_list_filters_by_status_entrant_and_area(contest, client):
    campaign, organiser, judge = (
        contest["campaign"],
        contest["organiser"],
        contest["judge"],
    )
    other, other_rep = enter(
        campaign, organiser, "hoa", "Đội Phú Hội", phone="0905999888"
    )
    second = log(other, other_rep, hours_ago=20)
    event_decide(event=second, judge=judge, verdict="approve")
    url = reverse("events:event-review", args=[campaign.slug])
    client.force_login(judge)

    def rows(**params) -> list[str]:
        html = client.get(url, params).content.decode()
        return [
            str(event.pk)
            for event in CleanupEvent.objects.order_by("pk")
            if f'data-event="{event.pk}"' in html
        ]

    assert rows() == [str(contest["event"].pk)]  # default: the queue (submitted)
    assert rows(status="approved") == [str(second.pk)]
    assert rows(status="rejected") == []
    assert sorted(rows(status="all")) == sorted(
        [str(contest["event"].pk), str(second.pk)]
    )
    assert rows(status="all", entrant=other.pk) == [str(second.pk)]
    area = contest["event"].areas.get(level=campaign.coverage_level)
    assert len(rows(status="all", area=area.pk)) == 2
    elsewhere = (
        type(area)
        .objects.filter(level=campaign.coverage_level)
        .exclude(pk=area.pk)
        .first()
    )
    assert rows(status="all", area=elsewhere.pk) == []
    html = client.get(url).content.decode()
    assert "Chấm</a>" in html and review_url(contest["event"]) in html


# --- the decision API: POST /review/ decides, GET /decisions/ is the audit trail ---


def review_api_url(event) -> str:
    return reverse("api:events-api:event-review", args=[event.pk])


def decisions_url(event) -> str:
    return reverse("api:events-api:event-decisions", args=[event.pk])


def test_api_records_decisions_and_returns_the_trail_in_order(contest, api_client):
    event, judge = contest["event"], contest["judge"]
    api_client.force_authenticate(judge)
    first = api_client.post(
        review_api_url(event),
        {
            "decision": "adjust",
            "verified_weight_kg": "42.5",
            "verified_breakdown": {"plastic_kg": "40"},
            "verified_method": "measured",
            "reason": "Cân lại tại điểm tập kết",
        },
        format="json",
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["verdict"] == "adjust" and body["judge"] == "bgk"
    assert body["verified"]["weight_kg"] == "42.50"
    assert body["verified"]["plastic_kg"] == "40.00"
    assert body["before"]["weight_kg"] == "50.00"
    assert body["after"]["status"] == "adjusted"
    second = api_client.post(
        review_api_url(event), {"decision": "approve"}, format="json"
    )
    assert second.status_code == 201
    event.refresh_from_db()
    assert (
        event.status == "approved" and event.current_decision_id == second.json()["id"]
    )

    api_client.force_authenticate(contest["organiser"])
    trail = api_client.get(decisions_url(event))
    assert trail.status_code == 200
    assert [row["id"] for row in trail.json()] == [body["id"], second.json()["id"]]
    assert [row["verdict"] for row in trail.json()] == ["adjust", "approve"]
    assert trail.json()[1]["verified"]["weight_kg"] == "42.50"  # kept on approve


def test_decisions_endpoint_only_lists(contest, api_client):
    """One endpoint decides (/review/); the audit trail's URL does not."""
    api_client.force_authenticate(contest["judge"])
    response = api_client.post(
        decisions_url(contest["event"]), {"verdict": "approve"}, format="json"
    )
    assert response.status_code == 405
    assert not EventDecision.objects.exists()


def test_api_refuses_residents_and_organisers_deciding(contest, api_client):
    event = contest["event"]
    api_client.force_authenticate(contest["rep"])
    assert api_client.get(decisions_url(event)).status_code == 403
    refused = api_client.post(review_api_url(event), {"decision": "approve"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"]
    api_client.force_authenticate(contest["organiser"])
    assert (
        api_client.post(
            review_api_url(event), {"decision": "approve"}, format="json"
        ).status_code
        == 403
    )
    assert not EventDecision.objects.exists()


def test_api_refuses_a_conflicted_judge(contest, api_client):
    judge = contest["judge"]
    ConflictDeclaration.objects.create(judge=judge, entrant=contest["entrant"])
    api_client.force_authenticate(judge)
    response = api_client.post(
        review_api_url(contest["event"]), {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "conflict_of_interest"
    assert not EventDecision.objects.exists()


def test_api_refuses_decisions_once_results_are_frozen(contest, api_client):
    campaign_freeze(campaign=contest["campaign"], actor=contest["organiser"])
    api_client.force_authenticate(contest["judge"])
    response = api_client.post(
        review_api_url(contest["event"]),
        {"decision": "reject", "reason": "Muộn"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "frozen"
    assert not EventDecision.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "reject", "reason": ""}, "reason"),
        (
            {
                "decision": "adjust",
                "verified_weight_kg": "10",
                "verified_breakdown": {"plastic_kg": "8", "other_kg": "5"},
                "verified_method": "measured",
                "reason": "Cân lại",
            },
            "verified_breakdown",
        ),
        ({"decision": "maybe"}, "decision"),
        (
            {"decision": "adjust", "reason": "x", "verified_method": "measured"},
            "verified_weight_kg",
        ),
        (
            {
                "decision": "adjust",
                "reason": "x",
                "verified_weight_kg": "10",
                "verified_breakdown": {"plastic_kg": "nhiều"},
            },
            "verified_breakdown.plastic_kg",
        ),
    ],
)
def test_api_bad_decisions_are_400_naming_the_field(
    contest, api_client, payload, field
):
    api_client.force_authenticate(contest["judge"])
    response = api_client.post(review_api_url(contest["event"]), payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert not EventDecision.objects.exists()


def test_api_unknown_event_is_404(contest, api_client):
    api_client.force_authenticate(contest["judge"])
    response = api_client.get(reverse("api:events-api:event-decisions", args=[99999]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = api_client.post(
        reverse("api:events-api:event-review", args=[99999]),
        {"decision": "approve"},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- leaderboards -----------------------------------------------------------------


def leaderboard_url(campaign) -> str:
    return reverse("api:events-api:leaderboard", args=[campaign.slug])


@pytest.fixture
def ranked(contest):
    """Collective: the same verified 50 kg, one at a priority hotspot, and a
    rejected 500 kg; individual: 50 kg weighed and 50 kg estimated."""
    campaign, organiser, judge = (
        contest["campaign"],
        contest["organiser"],
        contest["judge"],
    )
    hotspot = hotspot_report(
        location=HUE, category="plastic", size_class=SizeClass.objects.get(key="cart")
    ).hotspot
    hotspot_verify(hotspot=hotspot, actor=organiser)
    hotspot_set_priority(
        hotspot=hotspot, actor=organiser, priority=True, reason="Điểm tồn đọng lớn"
    )
    plain = contest["event"]  # Đội Sông Hương: 50 kg measured, no hotspot
    priority_team, rep = enter(
        campaign, organiser, "vi", "Đội Vỹ Dạ", phone="0905000111"
    )
    at_priority = log(priority_team, rep, hotspot_ids=[hotspot.pk], hours_ago=20)
    cheat, rep = enter(campaign, organiser, "gian", "Đội Gian", phone="0905000222")
    rejected = log(cheat, rep, kg="500", hours_ago=10)
    weighed_one, rep = enter(
        campaign, organiser, "can", "Cá nhân Cân", kind="individual", phone="0905000333"
    )
    weighed = log(weighed_one, rep, hours_ago=25)
    guessed_one, rep = enter(
        campaign,
        organiser,
        "doan",
        "Cá nhân Đoán",
        kind="individual",
        phone="0905000444",
    )
    guessed = log(guessed_one, rep, method="estimated", hours_ago=25)
    for event in (plain, at_priority, weighed, guessed):
        event_decide(event=event, judge=judge, verdict="approve")
    event_decide(event=rejected, judge=judge, verdict="reject", reason="Ảnh giả")
    return contest


def test_leaderboard_ranks_priority_first_and_weighed_above_estimated(
    ranked, api_client
):
    api_client.force_authenticate(ranked["judge"])
    response = api_client.get(leaderboard_url(ranked["campaign"]))
    assert response.status_code == 200
    results = response.json()["results"]
    collective = [r for r in results if r["category"] == "collective"]
    individual = [r for r in results if r["category"] == "individual"]
    assert [r["entrant"]["name"] for r in collective] == [
        "Đội Vỹ Dạ",
        "Đội Sông Hương",
        "Đội Gian",
    ]
    assert [r["rank"] for r in collective] == [1, 2, 3]
    first, second, rejected = collective
    # The same verified kilograms: the priority multiplier makes the difference.
    assert Decimal(first["score"]) > Decimal(second["score"])
    assert Decimal(first["priority_weighted_kg"]) > Decimal(
        second["priority_weighted_kg"]
    )
    assert first["prize"] == {
        "rank": 1,
        "label": "Giải Nhất",
        "amount_vnd": 3_000_000,
        "amount": "3.000.000 ₫",
    }
    # The events' lines come one entrant at a time, from its breakdown_url.
    first_events = api_client.get(first["breakdown_url"]).json()["breakdown"]["events"]
    assert any("điểm nóng ưu tiên" in line["text"] for line in first_events[0]["lines"])
    # A rejected event counts nothing: 500 kg, zero points, no prize.
    assert Decimal(rejected["score"]) == 0 and rejected["prize"] is None
    rejected_events = api_client.get(rejected["breakdown_url"]).json()["breakdown"][
        "events"
    ]
    assert rejected_events[0]["lines"][0]["text"].startswith("Bị Ban Giám khảo loại")
    assert [r["entrant"]["name"] for r in individual] == [
        "Cá nhân Cân",
        "Cá nhân Đoán",
    ]
    assert Decimal(individual[0]["score"]) > Decimal(individual[1]["score"])
    only = api_client.get(
        leaderboard_url(ranked["campaign"]), {"category": "individual"}
    )
    assert {r["category"] for r in only.json()["results"]} == {"individual"}
    bad = api_client.get(leaderboard_url(ranked["campaign"]), {"category": "team"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "category"


def test_unreviewed_events_count_zero(contest, api_client):
    api_client.force_authenticate(contest["organiser"])
    results = api_client.get(leaderboard_url(contest["campaign"])).json()["results"]
    assert [(r["entrant"]["name"], Decimal(r["score"])) for r in results] == [
        ("Đội Sông Hương", Decimal(0))
    ]
    events = api_client.get(results[0]["breakdown_url"]).json()["breakdown"]["events"]
    assert events[0]["lines"][0]["text"] == "Chưa được chấm: 0 điểm"


def test_leaderboard_api_query_count_is_bounded(
    ranked, api_client, django_assert_max_num_queries
):
    api_client.force_authenticate(ranked["judge"])
    with django_assert_max_num_queries(12):
        response = api_client.get(leaderboard_url(ranked["campaign"]))
    assert len(response.json()["results"]) == 5


def test_leaderboard_only_for_the_jury_roles(contest, api_client, client):
    campaign = contest["campaign"]
    api_client.force_authenticate(contest["rep"])
    assert api_client.get(leaderboard_url(campaign)).status_code == 403
    page_url = reverse("events:leaderboard", args=[campaign.slug])
    anonymous = client.get(page_url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    client.force_login(contest["rep"])
    assert client.get(page_url).status_code == 403
    client.force_login(person("tk", "secretary"))
    assert client.get(page_url).status_code == 200


def test_leaderboard_page_shows_ranks_prizes_and_breakdowns(ranked, client):
    client.force_login(ranked["organiser"])
    page = client.get(reverse("events:leaderboard", args=[ranked["campaign"].slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        html.index("Đội Vỹ Dạ") < html.index("Đội Sông Hương") < html.index("Đội Gian")
    )
    assert "Giải Nhất" in html and "3.000.000 ₫" in html
    assert "chưa chấm" in html  # the note on what counts
    assert html.count('data-testid="breakdown-link"') == 5  # one per entrant
    assert "Đồng hạng tại ranh giới giải" not in html
    # The breakdown opens on demand: its own page, linked from the row.
    leader = Entrant.objects.get(name="Đội Vỹ Dạ")
    url = reverse(
        "events:leaderboard-entrant", args=[ranked["campaign"].slug, leader.pk]
    )
    assert f'href="{url}"' in html
    detail = client.get(url).content.decode()
    assert "Làm sạch điểm nóng ưu tiên: nhân 1,5" in detail


def test_tie_at_a_prize_boundary_is_highlighted(contest, client, api_client):
    campaign, organiser, judge = (
        contest["campaign"],
        contest["organiser"],
        contest["judge"],
    )
    twin, rep = enter(campaign, organiser, "sinh", "Đội Sinh Đôi", phone="0905000555")
    twin_event = log(twin, rep)  # same kilograms, place and times as the first
    for event in (contest["event"], twin_event):
        event_decide(event=event, judge=judge, verdict="approve")
    api_client.force_authenticate(judge)
    results = api_client.get(leaderboard_url(campaign)).json()["results"]
    assert [r["rank"] for r in results] == [1, 1]
    assert all(r["boundary_tie"] and r["prize"] is None for r in results)
    client.force_login(judge)
    html = client.get(reverse("events:leaderboard", args=[campaign.slug])).content
    html = html.decode()
    assert html.count('data-testid="tie-note"') == 2
    assert "Đồng hạng tại ranh giới giải — Ban Giám khảo quyết định" in html


# --- two judges at the same moment ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_judges_deciding_at_once_leave_both_records_and_a_consistent_event(
    demo_areas_tx,
):
    campaign = make_campaign()
    organiser = person("btc", "organiser")
    judges = [person("bgk1", "judge"), person("bgk2", "judge")]
    entrant, rep = enter(campaign, organiser, "lan", "Đội Sông Hương")
    event = log(entrant, rep)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    calls = [
        {"verdict": "approve"},
        {
            "verdict": "adjust",
            "weight_kg": "30",
            "method": "estimated",
            "reason": "Ảnh cho thấy ít hơn",
        },
    ]

    def decide(judge, arguments):
        try:
            barrier.wait(timeout=10)
            event_decide(
                event=CleanupEvent.objects.get(pk=event.pk), judge=judge, **arguments
            )
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(judge, arguments))
        for judge, arguments in zip(judges, calls, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    decisions = list(EventDecision.objects.filter(event=event))
    assert len(decisions) == 2
    assert {d.judge_id for d in decisions} == {judges[0].pk, judges[1].pk}
    latest = max(decisions, key=lambda d: (d.at, d.pk))
    event.refresh_from_db()
    assert event.current_decision_id == latest.pk
    assert event.status == STATUS_FOR[latest.verdict]
    # The later decision saw the earlier one's result as its "before".
    earlier = min(decisions, key=lambda d: (d.at, d.pk))
    assert latest.before["status"] == STATUS_FOR[earlier.verdict]
