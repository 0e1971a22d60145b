"""The rollups (maps.models) equal a full recomputation after every kind of write.

The triggers keep them; maps.rollups recomputes them from the raw rows. These
tests drive real writes (services, raw ORM updates an admin could make) and
compare, on the real PostGIS database.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import h3
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from events.models import CleanupEvent, EventDecision, Participant
from geo.models import AdminArea
from hotspots import services as hs
from hotspots.models import Hotspot
from maps import rollups
from maps.models import (
    PLATFORM,
    EventAreaCount,
    EventAreaDayCount,
    EventCellCount,
    EventHeatCount,
    HotspotAreaCount,
    HotspotAreaDayCount,
    HotspotCellCount,
    HotspotHeatCount,
    HotspotHeatTotal,
)
from tests import builders

from .randomized import World

HUE_CODE = "474"


def counts(model, **where) -> dict:
    """Return {key tuple: value} of a rollup's non-zero rows matching `where`."""
    rows = model.objects.filter(**where)
    return {
        tuple(getattr(r, k) for k in ("area_id", "status", "priority")): r.hotspots
        for r in rows
        if r.hotspots
    }


def hue_ids() -> tuple[int, int]:
    district = AdminArea.objects.get(code=HUE_CODE)
    return district.pk, district.parent_id


def test_a_report_counts_on_the_platform_its_district_and_province(demo_areas):
    district, province = hue_ids()
    spot = builders.hotspot(category="plastic")
    assert counts(HotspotAreaCount) == {
        (PLATFORM, "reported", False): 1,
        (district, "reported", False): 1,
        (province, "reported", False): 1,
    }
    today = timezone.localdate()
    day_rows = HotspotAreaDayCount.objects.filter(day=today, category="plastic")
    assert {(r.area_id, r.hotspots) for r in day_rows} == {
        (PLATFORM, 1),
        (district, 1),
        (province, 1),
    }
    cells = {(r.resolution, r.cell) for r in HotspotCellCount.objects.all()}
    for res in (7, 8, 9):
        expected = h3.str_to_int(
            h3.latlng_to_cell(spot.location.y, spot.location.x, res)
        )
        assert (res, expected) in cells
    heat = HotspotHeatCount.objects.get()
    assert (heat.gx, heat.gy) == (
        int(spot.location.x // 0.005),
        int(spot.location.y // 0.005),
    )
    assert HotspotHeatTotal.objects.get().hotspots == 1
    assert rollups.differences() == []


def test_a_merge_moves_the_duplicate_out_of_the_heat_and_into_its_status(
    demo_areas, organiser
):
    kept = builders.hotspot(location=builders.at(0), status="verified")
    duplicate = builders.hotspot(location=builders.at(1))
    assert HotspotHeatTotal.objects.filter(hotspots__gt=0).count() >= 1
    heat_before = sum(r.hotspots for r in HotspotHeatTotal.objects.all())
    hs.hotspot_merge(duplicate=duplicate, into=kept, actor=organiser)
    platform = counts(HotspotAreaCount, area_id=PLATFORM)
    assert platform == {
        (PLATFORM, "verified", False): 1,
        (PLATFORM, "duplicate", False): 1,
    }
    # The reported row fell to zero and stays as a zero row.
    assert (
        HotspotAreaCount.objects.get(
            area_id=PLATFORM, category="plastic", status="reported", priority=False
        ).hotspots
        == 0
    )
    assert sum(r.hotspots for r in HotspotHeatTotal.objects.all()) == heat_before - 1
    assert rollups.differences() == []


def test_events_count_participants_and_the_current_decisions_kg(contest):
    campaign, rep, entrant, judge = contest
    event = builders.event(entrant=entrant, kg=50, participants=["A", "B", "C"])
    platform = EventAreaCount.objects.get(area_id=PLATFORM, campaign_id=campaign.pk)
    assert (platform.status, platform.events, platform.participants) == (
        "submitted",
        1,
        3,
    )
    assert platform.verified_kg == 0 and platform.verified_events == 0
    builders.decision(event=event, judge=judge)
    row = EventAreaCount.objects.get(
        area_id=PLATFORM, campaign_id=campaign.pk, status="approved"
    )
    assert (row.events, row.verified_events, row.verified_kg) == (1, 1, Decimal(50))
    builders.decision(
        event=event, judge=judge, verdict="adjust", weight_kg=20, method="measured"
    )
    row = EventAreaDayCount.objects.get(
        area_id=PLATFORM, campaign_id=campaign.pk, status="adjusted"
    )
    assert (row.events, row.verified_kg, row.participants) == (1, Decimal(20), 3)
    assert EventHeatCount.objects.get(events=1).verified_kg == Decimal(20)
    builders.decision(event=event, judge=judge, verdict="reject")
    assert not EventHeatCount.objects.filter(events__gt=0).exists()
    assert EventCellCount.objects.filter(status="rejected", events=1).count() == 3
    assert rollups.differences() == []


def test_raw_orm_writes_are_counted_like_the_services(contest):
    """Admin-style writes (QuerySet.update/delete, raw SQL) bypass the services."""
    campaign, rep, entrant, judge = contest
    spot = builders.hotspot()
    event = builders.event(entrant=entrant)
    builders.decision(event=event, judge=judge)
    event.refresh_from_db()
    Hotspot.objects.filter(pk=spot.pk).update(status="verified", priority=True)
    Hotspot.objects.filter(pk=spot.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    CleanupEvent.objects.filter(pk=event.pk).update(
        started_at=event.started_at - dt.timedelta(days=1)
    )
    Participant.objects.filter(event=event).first().delete()
    with connection.cursor() as cursor:  # decisions refuse save(); SQL does not
        cursor.execute(
            "UPDATE events_eventdecision SET verified_weight_kg = 12 WHERE id = %s",
            [event.current_decision_id],
        )
    Hotspot.areas.through.objects.filter(hotspot=spot).delete()
    assert rollups.differences() == []
    row = EventAreaCount.objects.get(
        area_id=PLATFORM, campaign_id=campaign.pk, status="approved"
    )
    assert row.verified_kg == Decimal(12) and row.participants == 1
    assert EventDecision.objects.get(pk=event.current_decision_id)


def test_moving_a_campaigns_end_rekeys_the_hotspots_it_knows(contest):
    campaign = contest.campaign
    spot = builders.hotspot(status="verified")
    Hotspot.objects.filter(pk=spot.pk).update(
        created_at=timezone.now() - dt.timedelta(days=5)
    )
    row = HotspotCellCount.objects.get(resolution=8, hotspots=1)
    assert row.known_by == campaign.activity_end
    earlier = builders.campaign(slug="truoc", activity=(-9, -3), registration=(-12, -3))
    row = HotspotCellCount.objects.get(resolution=8, hotspots=1)
    assert row.known_by == earlier.activity_end
    from events.campaigns.services import campaign_update

    campaign_update(
        campaign=earlier, prizes=[], activity_end=earlier.activity_start
    )  # now ends before the report: the hotspot waits for the running campaign
    row = HotspotCellCount.objects.get(resolution=8, hotspots=1)
    assert row.known_by == campaign.activity_end
    assert rollups.differences() == []


def test_check_reports_a_tampered_row_and_rebuild_fixes_it(contest):
    builders.hotspot()
    builders.event(entrant=contest.entrant)
    HotspotAreaCount.objects.filter(area_id=PLATFORM).update(hotspots=7)
    EventAreaCount.objects.filter(area_id=PLATFORM).update(verified_kg=3)
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("rollups", "--check", stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert any(
        line.startswith("maps_hotspotareacount (area_id=0,")
        and "hotspots 7 (expected 1)" in line
        for line in lines
    ), lines
    assert any(
        "maps_eventareacount" in line and "verified_kg" in line for line in lines
    )
    out = StringIO()
    call_command("rollups", "--rebuild", stdout=out)
    assert "maps_hotspotareacount: 3 rows" in out.getvalue()
    assert "rebuilt 9 tables" in out.getvalue()
    out = StringIO()
    call_command("rollups", "--check", stdout=out)
    assert "no differences" in out.getvalue()


def test_a_missing_row_is_reported_too(contest):
    builders.hotspot()
    HotspotHeatTotal.objects.all().delete()
    lines = rollups.differences()
    assert len(lines) == 1 and lines[0].startswith("maps_hotspotheattotal")
    assert "hotspots 0 (expected 1)" in lines[0]


def test_suspended_writes_are_rebuilt_at_the_end(contest):
    spot = builders.hotspot()
    with rollups.suspended():
        Hotspot.objects.filter(pk=spot.pk).update(status="verified")
        builders.hotspot(location=builders.at(3))
        # The triggers did nothing: the platform still sees one reported hotspot.
        assert counts(HotspotAreaCount, area_id=PLATFORM) == {
            (PLATFORM, "reported", False): 1
        }
    assert counts(HotspotAreaCount, area_id=PLATFORM) == {
        (PLATFORM, "reported", False): 1,
        (PLATFORM, "verified", False): 1,
    }
    assert rollups.differences() == []


def _fold_at_commit() -> None:
    """Queue the rollup facts until commit, as outside the tests."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maps.rollups_immediate = 'off'")


@pytest.mark.parametrize(
    ("seed", "mode"),
    [(1, "immediate"), (2, "immediate"), (3, "queued"), (4, "queued"), (5, "queued")],
)
def test_random_writes_keep_the_rollups_equal_to_a_recomputation(
    contest, organiser, seed, mode
):
    if mode == "queued":  # differences() folds what is queued, as a commit would
        _fold_at_commit()
    world = World(seed, contest, organiser)
    for _ in range(40):
        what = world.step()
        assert rollups.differences() == [], "\n".join(world.log) + "\n<- " + what
    # The run did something of each kind that matters.
    assert Hotspot.objects.count() >= 5 and CleanupEvent.objects.exists()


def test_queued_facts_wait_for_the_check_or_the_commit(contest):
    _fold_at_commit()
    builders.hotspot()
    assert counts(HotspotAreaCount) == {}  # queued in this transaction
    assert rollups.differences() == []  # which folds them first
    assert counts(HotspotAreaCount, area_id=PLATFORM) == {
        (PLATFORM, "reported", False): 1
    }


def _report_from_a_thread(i: int) -> None:
    from django.db import connection as thread_connection

    try:
        with thread_connection.cursor() as cursor:
            cursor.execute("SET maps.rollups_immediate = 'off'")
        for j in range(4):
            builders.hotspot(location=builders.at(i * 4 + j), category="plastic")
    finally:
        thread_connection.close()


def test_concurrent_reports_fold_at_their_commits(demo_areas_tx):
    """Committed transactions, all adding to the same platform rows at once."""
    import threading

    with connection.cursor() as cursor:
        cursor.execute("SET maps.rollups_immediate = 'off'")
    try:
        builders.hotspot(location=builders.at(40))
        assert counts(HotspotAreaCount, area_id=PLATFORM) == {
            (PLATFORM, "reported", False): 1
        }  # committed, so folded
        threads = [
            threading.Thread(target=_report_from_a_thread, args=(i,)) for i in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert Hotspot.objects.count() == 17
        assert counts(HotspotAreaCount, area_id=PLATFORM) == {
            (PLATFORM, "reported", False): 17
        }
        assert rollups.differences() == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maps.rollups_immediate = 'on'")
