"""Stored points and standings (events.results.points): equal to the full
recomputation after every write, through the real services; the ranking in SQL,
a page at a time; one entrant's breakdown on demand, with the leaderboard's
access rules.

Real PostGIS test database, no mocks.
"""

import datetime as dt
import random
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from events.campaigns.services import (
    PrizeLine,
    campaign_update,
    entrant_approve,
    entrant_reject,
)
from events.cleanups.services import event_log
from events.errors import ContestError
from events.judging.services import event_decide
from events.models import (
    Campaign,
    CleanupEvent,
    Entrant,
    EntrantStanding,
    EventPoints,
    ResultFreeze,
)
from events.results import selectors
from events.results.points import (
    entrants_refresh,
    standings_differences,
    standings_rebuild,
)
from events.results.presenters import leaderboard
from events.results.services import (
    campaign_freeze,
    campaign_reopen,
    results_publish,
    tie_decide,
)
from geo.models import AdminArea
from hotspots.services import hotspot_set_priority
from tests import builders

PRIZES = [
    PrizeLine("collective", 1, "Giải Nhất", 1, 3_000_000),
    PrizeLine("collective", 2, "Giải Nhì", 2, 2_000_000),
    PrizeLine("individual", 1, "Giải cá nhân", 2, 1_000_000),
]
PARTICIPANTS = ["Trần Văn An", "Lê Thị Bình"]


def board_url(campaign) -> str:
    return reverse("api:events-api:leaderboard", args=[campaign.slug])


def entrant_url(campaign, entrant_id) -> str:
    return reverse(
        "api:events-api:leaderboard-entrant", args=[campaign.slug, entrant_id]
    )


def page_url(campaign, entrant_id=None) -> str:
    if entrant_id is None:
        return reverse("events:leaderboard", args=[campaign.slug])
    return reverse("events:leaderboard-entrant", args=[campaign.slug, entrant_id])


class World:
    """A running campaign with prizes, district spots and hotspots, driven only
    through the services."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.organiser = builders.organiser()
        self.judge = builders.user(username="bgk", role="judge")
        self.secretary = builders.user(username="tk", role="secretary")
        self.campaign = builders.campaign(
            slug="ngau-nhien", registration=(-5, 10), activity=(-5, 10), prizes=PRIZES
        )
        # One spot inside each demo district: events spread over several areas.
        self.spots = [
            area.geom.point_on_surface
            for area in AdminArea.objects.filter(level="district").order_by("code")
        ]
        self.hotspots = [
            builders.hotspot(location=spot, status="verified", actor=self.organiser)
            for spot in self.spots[:4]
        ]
        self.count = 0
        self.entrants: list[Entrant] = []
        self.frozen: ResultFreeze | None = None
        self.snapshots: dict[int, dict] = {}  # every freeze's, as stored
        for _ in range(4):
            self.add_entrant()

    def add_entrant(self, *, approve: bool = True, kind: str | None = None) -> Entrant:
        self.count += 1
        n = self.count
        kind = kind or self.rng.choice(("team", "team", "individual", "unit"))
        entrant = builders.entrant(
            campaign=self.campaign,
            username=f"doi{n}",
            name=f"Đội {n}",
            kind=kind,
            members=() if kind == "individual" else builders.MEMBERS,
            phone=f"0905{n:06d}",
            email=f"doi{n}@example.vn",
            registered_on=self.campaign.registration_start,
            approve=approve,
            approved_by=self.organiser,
        )
        if approve:
            self.entrants.append(entrant)
        return entrant

    def log(self, entrant=None, *, like: CleanupEvent | None = None) -> CleanupEvent:
        rng = self.rng
        entrant = entrant or rng.choice(self.entrants)
        if like is not None:  # the same figures, place and times: a real tie
            event, _ = event_log(
                entrant=entrant,
                user=entrant.representative,
                title=like.title,
                location=like.location,
                started_at=like.started_at,
                ended_at=like.ended_at,
                participants=PARTICIPANTS,
                weight_kg=like.weight_kg,
                weight_method=like.weight_method,
                plastic_kg=like.plastic_kg,
                water_hyacinth_kg=like.water_hyacinth_kg,
            )
            return event
        claim = []
        location = rng.choice(self.spots)
        open_hotspots = [
            h for h in self.hotspots if h.status in ("reported", "verified")
        ]
        if open_hotspots and rng.random() < 0.4:
            hotspot = rng.choice(open_hotspots)
            claim, location = [hotspot.pk], hotspot.location
        kg = Decimal(rng.randint(0, 20000)) / 100
        plastic = (kg * Decimal(rng.random())).quantize(Decimal("0.01"))
        plastic = min(plastic, kg)
        hyacinth = ((kg - plastic) * Decimal(rng.random())).quantize(Decimal("0.01"))
        hyacinth = min(hyacinth, kg - plastic)
        event = builders.event(
            entrant=entrant,
            location=location,
            hours_ago=rng.randint(2, 70),
            hours=rng.choice((1, 2, 3)),
            whole_hour=True,
            participants=PARTICIPANTS,
            kg=kg,
            method=rng.choice(("measured", "estimated")),
            plastic_kg=plastic,
            water_hyacinth_kg=hyacinth,
            hotspot_ids=claim,
        )
        for hotspot in self.hotspots:
            hotspot.refresh_from_db()
        return event

    def decide(self, event=None, verdict=None):
        rng = self.rng
        event = event or rng.choice(
            list(CleanupEvent.objects.filter(entrant__campaign=self.campaign))
        )
        verdict = verdict or rng.choice(
            ("approve",) * 5 + ("adjust",) * 3 + ("reject",) * 2
        )
        figures = {}
        if verdict == "adjust":
            kg = Decimal(rng.randint(0, 15000)) / 100
            figures = {
                "weight_kg": kg,
                "plastic_kg": (kg / 2).quantize(Decimal("0.01")),
                "method": rng.choice(("measured", "estimated")),
            }
        try:
            builders.decision(event=event, judge=self.judge, verdict=verdict, **figures)
        except ContestError as error:
            assert error.code == "frozen" and self.frozen is not None
        for hotspot in self.hotspots:
            hotspot.refresh_from_db()

    def priority(self):
        hotspot = self.rng.choice(self.hotspots)
        hotspot_set_priority(
            hotspot=hotspot, actor=self.organiser, priority=not hotspot.priority
        )
        hotspot.refresh_from_db()

    def weights(self):
        rng = self.rng
        campaign_update(
            campaign=self.campaign,
            prizes=PRIZES,
            scoring={
                "points_per_kg": {
                    "plastic": rng.choice((3.0, 2.5, 4)),
                    "water_hyacinth": rng.choice((1.0, 0.5)),
                    "other": rng.choice((1.0, 1.25)),
                },
                "priority_multiplier": rng.choice((1.5, 2.0, 1.25)),
                "estimated_multiplier": rng.choice((0.8, 0.5)),
                "coverage_bonus_per_area": rng.choice((20.0, 0, 7.5)),
            },
        )
        self.campaign.refresh_from_db()

    def level(self):
        level = "province" if self.campaign.coverage_level == "district" else "district"
        campaign_update(campaign=self.campaign, prizes=PRIZES, coverage_level=level)
        self.campaign.refresh_from_db()

    def registration(self):
        pending = self.add_entrant(approve=False)
        if self.rng.random() < 0.7:
            entrant_approve(entrant=pending, actor=self.organiser)
            self.entrants.append(Entrant.objects.get(pk=pending.pk))
        else:
            entrant_reject(entrant=pending, actor=self.organiser, reason="Thiếu hồ sơ")

    def twin(self):
        """A new entrant that repeats another's events and decisions: equal
        keys, a tie (at a prize boundary when they are near the top)."""
        # Near the top, where the prizes are.
        originals = [
            standing.entrant
            for standing in EntrantStanding.objects.filter(
                campaign=self.campaign, events__gt=0
            )
            .select_related("entrant")
            .order_by("-points")[:3]
        ]
        if not originals or self.frozen is not None:
            return
        original = self.rng.choice(originals)
        twin = self.add_entrant(kind=original.kind)
        for event in original.events.select_related("current_decision"):
            copy = self.log(twin, like=event)
            decision = event.current_decision
            if decision is None:
                continue
            figures = {}
            if decision.verdict == "adjust":
                figures = {
                    "weight_kg": decision.verified_weight_kg,
                    "plastic_kg": decision.verified_plastic_kg,
                    "water_hyacinth_kg": decision.verified_water_hyacinth_kg,
                    "other_kg": decision.verified_other_kg,
                    "method": decision.verified_method,
                }
            builders.decision(
                event=copy, judge=self.judge, verdict=decision.verdict, **figures
            )

    def tie(self):
        """The jury orders a tie at a prize boundary, when there is one."""
        if self.frozen is not None:
            return
        for category, rows in leaderboard(self.campaign).items():
            tied = [row for row in rows if row.boundary_tie]
            if tied:
                group = [row.entrant.pk for row in tied if row.rank == tied[0].rank]
                self.rng.shuffle(group)
                try:
                    tie_decide(
                        campaign=self.campaign,
                        category=category,
                        order=group,
                        judge=self.judge,
                        reason="Bốc thăm",
                    )
                except ContestError as error:
                    # The live board flags a tie the jury already settled.
                    assert error.code == "not_a_tie"
                    continue
                return

    def freeze(self):
        """Freeze (the snapshot must then never change), try to decide (refused),
        and most often reopen at once."""
        if self.frozen is None:
            self.frozen = campaign_freeze(campaign=self.campaign, actor=self.organiser)
            snapshot = ResultFreeze.objects.get(pk=self.frozen.pk).snapshot
            self.snapshots[self.frozen.pk] = snapshot
            assert_stored_equals_snapshot(self.campaign, snapshot)
            self.decide()  # refused: the results are frozen
        if self.rng.random() < 0.7:
            self.reopen()

    def reopen(self):
        campaign_reopen(
            campaign=self.campaign, actor=self.organiser, reason="Kiểm tra lại"
        )
        self.frozen = None

    STEPS = (
        ("log", 5),
        ("decide", 9),
        ("priority", 2),
        ("weights", 1),
        ("level", 1),
        ("registration", 1),
        ("twin", 2),
        ("tie", 2),
        ("freeze", 1),
    )

    def step(self) -> str:
        names = [name for name, weight in self.STEPS for _ in range(weight)]
        name = self.rng.choice(names)
        if self.frozen is not None and self.rng.random() < 0.4:
            name = "reopen"  # a few steps happen while frozen, not the rest
        if (
            name == "decide"
            and not CleanupEvent.objects.filter(
                entrant__campaign=self.campaign
            ).exists()
        ):
            name = "log"
        getattr(self, name)()
        return name


def assert_stored_equals_snapshot(campaign, snapshot: dict) -> None:
    """The SQL ranking and the allocation from its top (with the jury's tie
    orders, as the results desk shows it) say what the freeze computed."""
    prizes = selectors.prize_slots(campaign)
    for category, frozen in snapshot["results"].items():
        stored = selectors.rows(selectors.ranking(campaign, category))
        assert [
            (r.entrant_id, r.rank, list(r.tied_with), str(r.points)) for r in stored
        ] == [
            (r["entrant_id"], r["rank"], r["tied_with"], r["points"])
            for r in frozen["ranking"]
        ]
        allocation = selectors.allocation(
            campaign,
            category,
            prizes.get(category, []),
            snapshot["inputs"]["tie_orders"][category],
        )
        assert [a.__dict__ for a in allocation.awards] == frozen["awards"]
        assert [list(t) for t in allocation.boundary_ties] == frozen["boundary_ties"]


def api_rows(api_client, campaign, page_size=7) -> list[dict]:
    """Every row of the jury's API, page after page (collective, then individual)."""
    rows, url = [], board_url(campaign) + f"?page_size={page_size}"
    while url:
        body = api_client.get(url).json()
        rows.extend(body["results"])
        url = body["next"]
    return rows


def assert_api_equals_recomputation(api_client, campaign):
    """The stored board, page after page, is the full recomputation's board."""
    reference = leaderboard(campaign)
    expected = [row for name in ("collective", "individual") for row in reference[name]]
    got = api_rows(api_client, campaign)
    assert [r["entrant"]["id"] for r in got] == [r.entrant.pk for r in expected]
    for row, want in zip(got, expected, strict=True):
        assert row["entrant"] == {
            "id": want.entrant.pk,
            "name": want.entrant.name,
            "kind": want.entrant.kind,
        }
        assert row["rank"] == want.rank
        assert row["category"] == want.category
        assert Decimal(row["score"]) == want.points
        assert row["score"] == str(want.points)
        assert row["event_points"] == str(want.event_points)
        assert row["coverage_bonus"] == str(want.coverage_bonus)
        assert row["areas"] == want.areas
        assert row["priority_weighted_kg"] == str(want.priority_weighted_kg)
        assert row["last_event_end"] == (
            want.last_event_end.isoformat() if want.last_event_end else None
        )
        assert row["boundary_tie"] == want.boundary_tie
        assert row["tied_with"] == list(want.tied_with)
        assert (row["prize"] or {}).get("label", "") == want.prize_label
        assert row["breakdown"]["lines"] == [line.as_json() for line in want.lines]
    # One entrant's events on demand: the lines the full recomputation words.
    for row, want in list(zip(got, expected, strict=True))[:6]:
        events = api_client.get(row["breakdown_url"]).json()["breakdown"]["events"]
        assert sorted(events, key=lambda e: e["event"]) == sorted(
            (
                {
                    "event": e.event_id,
                    "title": e.title,
                    "points": str(e.points),
                    "priority_weighted_kg": str(e.priority_weighted_kg),
                    "lines": [line.as_json() for line in e.lines],
                }
                for e in want.events
            ),
            key=lambda e: e["event"],
        )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_stored_standings_equal_a_full_recomputation_after_every_step(
    seed, demo_areas, api_client
):
    rng = random.Random(seed)
    world = World(rng)
    assert standings_differences(world.campaign) == []
    done = []
    for _ in range(60):
        done.append(world.step())
        assert standings_differences(world.campaign) == [], done
        # A freeze keeps exactly what it stored, whatever changes after it.
        for pk, snapshot in world.snapshots.items():
            assert ResultFreeze.objects.get(pk=pk).snapshot == snapshot
    # The sequence was not trivial.
    assert {"log", "decide", "twin"} <= set(done)
    assert EventPoints.objects.filter(entrant__campaign=world.campaign).count() > 10
    assert EntrantStanding.objects.filter(points__gt=0).count() >= 2
    api_client.force_authenticate(world.judge)
    assert_api_equals_recomputation(api_client, world.campaign)


def test_a_reversed_decision_and_a_new_weight_change_the_stored_points(
    demo_areas,
):
    world = World(random.Random(9))
    entrant = world.entrants[0]
    event = builders.event(
        entrant=entrant, participants=PARTICIPANTS, kg=100, method="measured"
    )
    standing = EntrantStanding.objects.get(entrant=entrant)
    assert standing.points == 0 and standing.events == 1
    world.decide(event, "approve")
    standing.refresh_from_db()
    assert standing.event_points == Decimal("100.00")  # 100 kg "other" × 1.0
    assert standing.coverage_bonus == Decimal("20.00")  # one district
    world.decide(event, "reject")
    standing.refresh_from_db()
    assert standing.points == 0 and standing.areas == 0
    assert EventPoints.objects.get(event=event).lines[0]["code"] == "rejected"
    world.decide(event, "approve")
    campaign_update(
        campaign=world.campaign,
        prizes=PRIZES,
        scoring={"points_per_kg": {"other": 2.0}, "coverage_bonus_per_area": 0},
    )
    standing.refresh_from_db()
    assert standing.points == Decimal("200.00")
    assert standings_differences(world.campaign) == []


def test_a_claimed_hotspots_priority_flag_changes_the_entrants_points(demo_areas):
    world = World(random.Random(3))
    hotspot = world.hotspots[0]
    entrant = world.entrants[0]
    event = builders.event(
        entrant=entrant,
        location=hotspot.location,
        participants=PARTICIPANTS,
        kg=10,
        method="measured",
        hotspot_ids=[hotspot.pk],
    )
    world.decide(event, "approve")
    before = EventPoints.objects.get(event=event).points
    hotspot_set_priority(hotspot=hotspot, actor=world.organiser, priority=True)
    after = EventPoints.objects.get(event=event).points
    assert after == before * Decimal("1.5")
    assert standings_differences(world.campaign) == []


def test_only_approved_entrants_have_a_standing(demo_areas):
    world = World(random.Random(5))
    pending = world.add_entrant(approve=False)
    assert not EntrantStanding.objects.filter(entrant=pending).exists()
    entrant_approve(entrant=pending, actor=world.organiser)
    assert EntrantStanding.objects.get(entrant=pending).points == 0
    # Someone's raw write of a status: the check says so, the rebuild mends it.
    Entrant.objects.filter(pk=pending.pk).update(status="rejected")
    differences = standings_differences(world.campaign)
    assert differences[-1] == (
        f"{world.campaign.slug}: entrant {pending.pk}: stored standing of an "
        "entrant that is not approved"
    )
    # The ranking in SQL still counts it: reported too.
    assert differences[0].startswith(f"{world.campaign.slug}: collective ranking")
    assert len(differences) == 2
    standings_rebuild()
    assert standings_differences(world.campaign) == []
    assert not EntrantStanding.objects.filter(entrant=pending).exists()


# --- the command ------------------------------------------------------------------


def test_standings_command_checks_and_rebuilds(demo_areas):
    world = World(random.Random(2))
    for _ in range(4):
        world.decide(world.log(), "approve")
    out = StringIO()
    call_command("standings", "--check", stdout=out)
    assert "equal to a full recomputation" in out.getvalue()
    standing = EntrantStanding.objects.filter(points__gt=0).first()
    EntrantStanding.objects.filter(pk=standing.pk).update(points=1)
    EventPoints.objects.filter(entrant_id=standing.pk).delete()
    out = StringIO()
    with pytest.raises(CommandError, match="differences"):
        call_command("standings", "--check", "--campaign", "ngau-nhien", stdout=out)
    assert f"entrant {standing.pk}: points stored Decimal('1.00')" in out.getvalue()
    assert "no stored points" in out.getvalue()
    out = StringIO()
    call_command("standings", "--rebuild", stdout=out)
    assert "rebuilt 1 campaigns" in out.getvalue()
    call_command("standings", "--check", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("standings", "--check", "--campaign", "khong-co")


# --- ranking: ties and the prize boundary --------------------------------------------


def test_equal_keys_share_a_rank_and_a_boundary_tie_is_flagged(demo_areas, api_client):
    world = World(random.Random(4))
    first = world.log(world.entrants[0])
    world.decide(first, "approve")
    twins = [world.add_entrant(kind=world.entrants[0].kind) for _ in range(2)]
    for twin in twins:
        world.decide(world.log(twin, like=first), "approve")
    api_client.force_authenticate(world.secretary)
    rows = [
        r
        for r in api_rows(api_client, world.campaign)
        if r["entrant"]["id"] in {world.entrants[0].pk, *(t.pk for t in twins)}
    ]
    ids = sorted(r["entrant"]["id"] for r in rows)
    assert [r["entrant"]["id"] for r in rows] == ids  # entrant id within a tie
    assert len({r["rank"] for r in rows}) == 1
    for row in rows:
        assert row["tied_with"] == [i for i in ids if i != row["entrant"]["id"]]
    assert_api_equals_recomputation(api_client, world.campaign)


# --- pagination ---------------------------------------------------------------------


@pytest.fixture
def big_board(db, demo_areas):
    """A synthetic campaign: 60 teams, 1,500 approved events (generate_data)."""
    call_command(
        "generate_data",
        "--hotspots",
        "0",
        "--events",
        "1500",
        "--seed",
        "3",
        stdout=StringIO(),
    )
    campaign = Campaign.objects.get(slug="synthetic")
    return campaign_update(campaign=campaign, prizes=PRIZES)  # weights unchanged


def test_the_api_pages_the_board_with_links(big_board, api_client):
    api_client.force_authenticate(builders.organiser())
    url = board_url(big_board)
    first = api_client.get(url).json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith(f"{url}?page=2")
    second = api_client.get(first["next"]).json()
    assert [r["rank"] for r in second["results"]] == list(range(51, 61))
    assert second["next"] is None and second["previous"].endswith(url)
    small = api_client.get(url, {"page_size": 7, "page": 3}).json()
    assert [r["rank"] for r in small["results"]] == list(range(15, 22))
    assert "page_size=7" in small["next"] and "page=4" in small["next"]
    assert len(api_client.get(url, {"page_size": 1000}).json()["results"]) == 60
    missing = api_client.get(url, {"page": 9})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert api_client.get(url, {"page": "x"}).status_code == 404
    # A category of its own is paged alone.
    individual = api_client.get(url, {"category": "individual"}).json()
    assert individual["count"] == 0 and individual["results"] == []


def test_the_api_answers_in_a_fixed_number_of_queries(
    big_board, api_client, django_assert_max_num_queries
):
    api_client.force_authenticate(builders.organiser())
    with django_assert_max_num_queries(8):
        body = api_client.get(board_url(big_board)).json()
    assert len(body["results"]) == 50
    entrant = body["results"][0]["entrant"]["id"]
    with django_assert_max_num_queries(6):
        detail = api_client.get(entrant_url(big_board, entrant)).json()
    assert (
        len(detail["breakdown"]["events"])
        == EventPoints.objects.filter(entrant_id=entrant).count()
    )


def test_the_page_is_small_and_paged(big_board, client):
    client.force_login(builders.organiser())
    page = client.get(page_url(big_board))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="board-row"') == 50
    assert html.count('data-testid="breakdown-link"') == 50
    # No event's lines on the board: its size follows the rows shown, not the events.
    assert "Rác khác và chưa phân loại" not in html
    assert len(page.content) < 80_000
    assert 'href="?collective_page=2"' in html and 'rel="next"' in html
    second = client.get(page_url(big_board), {"collective_page": 2}).content.decode()
    assert second.count('data-testid="board-row"') == 10
    assert 'href="?collective_page=1"' in second


# --- one entrant's breakdown on demand ------------------------------------------------


@pytest.fixture
def decided(demo_areas):
    world = World(random.Random(6))
    entrant = world.add_entrant(kind="team")
    event = builders.event(
        entrant=entrant, participants=PARTICIPANTS, kg=40, method="estimated"
    )
    world.decide(event, "approve")
    return world, entrant, event


@pytest.mark.parametrize("role", ["organiser", "judge", "secretary"])
def test_the_jury_roles_read_a_breakdown(decided, api_client, client, role):
    world, entrant, event = decided
    user = builders.user(username=f"x-{role}", role=role)
    api_client.force_authenticate(user)
    body = api_client.get(entrant_url(world.campaign, entrant.pk)).json()
    assert body["entrant"] == {
        "id": entrant.pk,
        "name": entrant.name,
        "kind": entrant.kind,
    }
    assert body["score"] == str(EntrantStanding.objects.get(entrant=entrant).points)
    assert [line["code"] for line in body["breakdown"]["lines"]] == [
        "events",
        "coverage",
    ]
    (shown,) = body["breakdown"]["events"]
    assert shown["event"] == event.pk and shown["title"] == event.title
    assert [line["code"] for line in shown["lines"]] == [
        "plastic",
        "water_hyacinth",
        "other",
        "estimated",
    ]
    assert set(shown["lines"][0]) == {"code", "params", "value", "kind", "text"}
    assert shown["lines"][3]["text"] == "Khối lượng ước tính, không cân: nhân 0,8"
    client.force_login(user)
    html = client.get(page_url(world.campaign, entrant.pk)).content.decode()
    assert "<html" in html and "Khối lượng ước tính, không cân: nhân 0,8" in html
    fragment = client.get(page_url(world.campaign, entrant.pk), {"fragment": 1})
    assert fragment["Cache-Control"] == "private, no-store"
    text = fragment.content.decode()
    assert "<html" not in text and 'data-testid="score-breakdown"' in text
    assert f"#{event.pk} {event.title}" in text


@pytest.mark.parametrize("role", ["resident", "helper", "ioc"])
def test_other_roles_get_no_live_breakdown(decided, api_client, client, role):
    world, entrant, _ = decided
    user = builders.user(username=f"x-{role}", role=role)
    api_client.force_authenticate(user)
    response = api_client.get(entrant_url(world.campaign, entrant.pk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_published"
    client.force_login(user)
    assert client.get(page_url(world.campaign, entrant.pk)).status_code == 403


def test_anonymous_visitors_get_the_published_breakdown_only(
    decided, api_client, client
):
    world, entrant, _ = decided
    url = entrant_url(world.campaign, entrant.pk)
    assert api_client.get(url).status_code == 403
    anonymous = client.get(page_url(world.campaign, entrant.pk))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    campaign_freeze(campaign=world.campaign, actor=world.organiser)
    results_publish(campaign=world.campaign, actor=world.secretary)
    body = api_client.get(url).json()
    # No consent to publish: no name; the frozen lines, worded.
    assert body["entrant"] == {"id": entrant.pk, "name": f"Đội thi #{entrant.pk}"}
    assert body["breakdown"]["events"][0]["lines"][3]["code"] == "estimated"
    row = next(
        r
        for r in api_client.get(board_url(world.campaign)).json()["results"]
        if r["entrant"]["id"] == entrant.pk
    )
    assert row["breakdown"] == body["breakdown"]


def test_a_breakdown_of_an_entrant_not_on_the_board_is_404(decided, api_client, client):
    world, entrant, _ = decided
    pending = world.add_entrant(approve=False)
    other = builders.campaign(slug="khac")
    api_client.force_authenticate(world.judge)
    for campaign, entrant_id in (
        (world.campaign, pending.pk),
        (other, entrant.pk),
        (world.campaign, 999_999),
    ):
        response = api_client.get(entrant_url(campaign, entrant_id))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api_client.get(entrant_url(world.campaign, entrant.pk)).status_code == 200
    client.force_login(world.judge)
    assert client.get(page_url(world.campaign, pending.pk)).status_code == 404


# --- two decisions on one entrant at the same moment --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_entrant_at_once_leave_a_consistent_standing(
    demo_areas_tx,
):
    world = World(random.Random(8))
    judges = [world.judge, builders.user(username="bgk2", role="judge")]
    entrant = world.entrants[0]
    events = [
        builders.event(
            entrant=entrant,
            participants=PARTICIPANTS,
            kg=kg,
            method="measured",
            hours_ago=hours,
        )
        for kg, hours in ((30, 30), (70, 20))
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def decide(event, judge):
        try:
            barrier.wait(timeout=10)
            event_decide(event=event, judge=judge, verdict="approve")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=pair)
        for pair in zip(events, judges, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    standing = EntrantStanding.objects.get(entrant=entrant)
    assert standing.event_points == Decimal("100.00")  # both decisions counted
    assert standings_differences(world.campaign) == []


def test_refreshing_an_unknown_or_empty_set_of_entrants_does_nothing(db):
    assert entrants_refresh([]) == 0
    assert entrants_refresh([999_999]) == 0
    assert not EntrantStanding.objects.exists()


def test_a_frozen_snapshot_is_unchanged_by_the_stored_standings(decided):
    world, entrant, event = decided
    freeze = campaign_freeze(campaign=world.campaign, actor=world.organiser)
    stored = ResultFreeze.objects.get(pk=freeze.pk).snapshot
    hotspot_set_priority(
        hotspot=world.hotspots[0], actor=world.organiser, priority=True
    )
    campaign_update(
        campaign=world.campaign, prizes=PRIZES, scoring={"coverage_bonus_per_area": 1}
    )
    standings_rebuild()
    assert ResultFreeze.objects.get(pk=freeze.pk).snapshot == stored
    assert standings_differences(world.campaign) == []
    # The frozen results still say what they said at the freeze.
    ranking = (
        stored["results"]["collective"]["ranking"]
        + stored["results"]["individual"]["ranking"]
    )
    row = next(r for r in ranking if r["entrant_id"] == entrant.pk)
    assert row["coverage_bonus"] == "20.00"
    assert EntrantStanding.objects.get(entrant=entrant).coverage_bonus == Decimal(
        "1.00"
    )
    assert dt.datetime.fromisoformat(row["last_event_end"]) == event.ended_at
