"""Freeze, tie decisions, publication and certificates (service level)."""

import copy
import datetime as dt
import importlib

import pytest
from django.utils import timezone

from events.errors import ContestError
from events.judging.services import event_decide
from events.models import Certificate, EventDecision, TieBreak
from events.results.services import (
    campaign_freeze,
    campaign_reopen,
    current_freeze,
    results_publish,
    tie_decide,
)
from tests import builders


def team(campaign, organiser, judge, n: int, kg: str, *, publish=True):
    """Team n with one approved event of `kg` (the events of all teams tie in time)."""
    entrant = builders.entrant(
        campaign=campaign,
        username=f"rep{n}",
        name=f"Đội Hương Giang số {n}",
        full_name=f"Người đại diện {n}",
        date_of_birth=dt.date(1990, 1, 1),
        phone=f"090512345{n}",
        email=f"r{n}@example.vn",
        members=(),
        publish=publish,
        approved_by=organiser,
    )
    # Whole hours: two teams' events end at the same moment (a real tie).
    event = builders.event(
        entrant=entrant,
        title="Thu gom",
        whole_hour=True,
        hours=3,
        participants=["A", "B", "C"],
        kg=kg,
        method="measured",
    )
    builders.decision(event=event, judge=judge)
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


def test_results_api_freeze_reopen_and_published_prizes(world, api_client):
    from django.urls import reverse

    campaign, organiser, judge, secretary = world
    a, _ = team(campaign, organiser, judge, 1, "100", publish=True)
    b, _ = team(campaign, organiser, judge, 2, "50", publish=False)
    freeze_url = reverse("api:events-api:campaign-freeze", args=[campaign.slug])
    reopen_url = reverse("api:events-api:campaign-reopen", args=[campaign.slug])
    results_url = reverse("api:events-api:campaign-results", args=[campaign.slug])
    api_client.force_authenticate(judge)
    assert api_client.post(freeze_url).status_code == 403
    api_client.force_authenticate(organiser)
    assert api_client.post(freeze_url).status_code == 201
    assert api_client.post(freeze_url).status_code == 409
    no_reason = api_client.post(reopen_url, {"reason": ""}, format="json")
    assert (
        no_reason.status_code == 400 and no_reason.json()["error"]["field"] == "reason"
    )
    assert (
        api_client.post(reopen_url, {"reason": "Khiếu nại"}, format="json").status_code
        == 200
    )
    assert api_client.post(freeze_url).status_code == 201
    api_client.force_authenticate(None)
    assert api_client.get(results_url).status_code == 404  # not published yet
    results_publish(campaign=campaign, actor=secretary)
    body = api_client.get(results_url).json()
    rows = body["collective"]
    assert [(r["rank"], r["prize"], r["amount_vnd"]) for r in rows] == [
        (1, "Giải Nhất", 3_000_000),
        (2, "Giải Nhì", 2_000_000),
    ]
    assert rows[0]["entrant"] == "Đội Hương Giang số 1"
    assert rows[1]["entrant"] == f"Đội thi #{b.pk}"  # no consent to publish
    assert "/certificates/" in rows[0]["certificate_url"]
    assert "0905123451" not in str(body) and "r1@example.vn" not in str(body)


def test_leaderboard_is_public_only_after_publication(world, api_client):
    from django.urls import reverse

    campaign, organiser, judge, secretary = world
    team(campaign, organiser, judge, 1, "100", publish=True)
    b, _ = team(campaign, organiser, judge, 2, "50", publish=False)
    url = reverse("api:events-api:leaderboard", args=[campaign.slug])
    assert api_client.get(url).status_code == 403
    api_client.force_authenticate(judge)
    live = api_client.get(url).json()["results"]
    assert {r["entrant"]["name"] for r in live} >= {
        "Đội Hương Giang số 2"
    }  # jury: real names
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    api_client.force_authenticate(None)
    public = api_client.get(url, {"category": "collective"}).json()["results"]
    assert [r["entrant"]["name"] for r in public] == [
        "Đội Hương Giang số 1",
        f"Đội thi #{b.pk}",
    ]
    assert public[0]["prize"]["label"] == "Giải Nhất"
    assert public[0]["breakdown"]["lines"]


def test_a_conflicted_judge_cannot_order_a_tie(world):
    from events.models import ConflictDeclaration

    campaign, organiser, judge, secretary = world
    a, _ = team(campaign, organiser, judge, 1, "100")
    b, _ = team(campaign, organiser, judge, 2, "100")
    ConflictDeclaration.objects.create(judge=judge, entrant=a)
    with pytest.raises(ContestError) as err:
        tie_decide(
            campaign=campaign,
            category="collective",
            order=[a.pk, b.pk],
            judge=judge,
            reason="x",
        )
    assert err.value.code == "conflict_of_interest"


def test_erased_entrants_are_never_named_in_public(world):
    from events.results.services import public_name

    campaign, organiser, judge, secretary = world
    a, _ = team(campaign, organiser, judge, 1, "100", publish=True)
    freeze = campaign_freeze(campaign=campaign, actor=organiser)
    assert public_name(freeze, a.pk) == "Đội Hương Giang số 1"
    a.anonymised_at = timezone.now()
    a.save(update_fields=["anonymised_at"])
    assert public_name(freeze, a.pk) == f"Đội thi #{a.pk}"


# --- breakdown lines: one shape, and frozen snapshots of format 1 ----------------

MIGRATION = importlib.import_module(
    "events.migrations.0004_freeze_breakdown_lines_as_codes"
)


def line_keys(body: dict) -> list[set]:
    """The keys of every breakdown line of a leaderboard response."""
    return [
        set(line)
        for row in body["results"]
        for line in row["breakdown"]["lines"]
        + [x for event in row["breakdown"]["events"] for x in event["lines"]]
    ]


def test_breakdown_lines_have_one_documented_shape_in_both_leaderboards(
    world, api_client
):
    from django.urls import reverse

    from events.results.serializers import BreakdownLineSerializer

    campaign, organiser, judge, secretary = world
    team(campaign, organiser, judge, 1, "100")
    url = reverse("api:events-api:leaderboard", args=[campaign.slug])
    api_client.force_authenticate(judge)
    jury = api_client.get(url).json()
    # The jury's rows carry the entrant's own lines; the events' come on demand.
    for row in jury["results"]:
        detail = api_client.get(row["breakdown_url"]).json()
        assert detail["breakdown"]["lines"] == row["breakdown"]["lines"]
        row["breakdown"] = detail["breakdown"]
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    api_client.force_authenticate(None)
    public = api_client.get(url).json()
    # The public's breakdown on demand is the one in its row.
    entrant = public["results"][0]["entrant"]["id"]
    public_detail = api_client.get(
        reverse("api:events-api:leaderboard-entrant", args=[campaign.slug, entrant])
    ).json()
    assert public_detail["breakdown"] == public["results"][0]["breakdown"]
    documented = set(BreakdownLineSerializer().fields)
    assert documented == {"code", "params", "value", "kind", "text"}
    assert line_keys(jury) and all(keys == documented for keys in line_keys(jury))
    assert line_keys(public) == line_keys(jury)
    # The same lines, computed live or read from the snapshot.
    assert public["results"][0]["breakdown"] == {
        "lines": jury["results"][0]["breakdown"]["lines"],
        "events": [
            {key: event[key] for key in ("event", "points", "lines")}
            for event in jury["results"][0]["breakdown"]["events"]
        ],
    }
    other = public["results"][0]["breakdown"]["events"][0]["lines"][2]
    assert other == {
        "code": "other",
        "params": {"kg": "100.00", "factor": "1.0"},
        "value": "100.00",
        "kind": "points",
        "text": "Rác khác và chưa phân loại 100,00 kg × 1,0 điểm/kg",
    }
    english = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][0]["breakdown"]["events"][0]["lines"][2]["text"] == (
        "Other and unsorted waste 100.00 kg × 1.0 points/kg"
    )


def test_the_schema_documents_the_breakdown_line(db, client):
    from django.urls import reverse

    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    line = schema["components"]["schemas"]["BreakdownLine"]
    assert set(line["properties"]) == {"code", "params", "value", "kind", "text"}
    board = schema["paths"]["/api/v1/campaigns/{slug}/leaderboard/"]["get"]
    assert board["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Leaderboard"
    }


@pytest.mark.parametrize(
    ("sentence", "code", "params"),
    [
        ("plastic 40.50 kg x 3.0", "plastic", {"kg": "40.50", "factor": "3.0"}),
        ("water hyacinth 0 kg x 1", "water_hyacinth", {"kg": "0", "factor": "1"}),
        ("other 9.5 kg x 1.0", "other", {"kg": "9.5", "factor": "1.0"}),
        ("priority hotspot x 1.5", "priority", {"factor": "1.5"}),
        ("estimated weight x 0.8", "estimated", {"factor": "0.8"}),
        ("rejected", "rejected", {}),
        ("not reviewed yet", "not_reviewed", {}),
        ("3 events", "events", {"n": 3}),
        ("2 areas x 20", "coverage", {"n": 2, "factor": "20"}),
    ],
)
def test_format_1_sentences_become_codes_and_back(sentence, code, params):
    line = MIGRATION.line_from_sentence([sentence, "1.5"])
    assert line == {"code": code, "params": params, "value": "1.5"}
    assert MIGRATION.line_to_sentence(line) == [sentence, "1.5"]


def test_an_unknown_format_1_sentence_stops_the_migration():
    with pytest.raises(ValueError, match="hand-written"):
        MIGRATION.line_from_sentence(["hand-written note", "0"])


def test_format_1_snapshots_are_migrated_to_format_2_and_read_as_before(world):
    from django.apps import apps

    from events.models import ResultFreeze

    campaign, organiser, judge, secretary = world
    team(campaign, organiser, judge, 1, "100")
    team(campaign, organiser, judge, 2, "50")
    freeze = campaign_freeze(campaign=campaign, actor=organiser)
    current = copy.deepcopy(freeze.snapshot)
    assert current["format"] == 2
    # Format 1, as freezes were stored before (the demo's 2024 results among them).
    old = MIGRATION.convert(copy.deepcopy(current), MIGRATION.line_to_sentence, 1)
    ResultFreeze.objects.filter(pk=freeze.pk).update(snapshot=old)
    stored = ResultFreeze.objects.get(pk=freeze.pk).snapshot
    assert "format" not in stored
    assert stored["results"]["collective"]["ranking"][0]["lines"] == [
        ["1 events", "100.00"],
        ["1 areas x 20.0", "20.00"],
    ]
    MIGRATION.forwards(apps, None)
    MIGRATION.forwards(apps, None)  # re-runnable: format 2 is left alone
    assert ResultFreeze.objects.get(pk=freeze.pk).snapshot == current
    MIGRATION.backwards(apps, None)
    assert ResultFreeze.objects.get(pk=freeze.pk).snapshot == stored
