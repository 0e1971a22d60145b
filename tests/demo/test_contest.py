from django.core.management import call_command

from events.models import Campaign, CleanupEvent, EventDecision
from events.results.standings import campaign_standings


def test_demo_contest_is_the_2024_plan_with_reviewed_events(db):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    campaign = Campaign.objects.get(slug="2024")
    prizes = sorted(campaign.prizes.values_list("category", "count", "amount_vnd"))
    assert prizes == [
        ("collective", 1, 3_000_000),
        ("collective", 2, 1_500_000),
        ("collective", 2, 2_000_000),
        ("collective", 10, 1_000_000),
        ("individual", 5, 1_000_000),
    ]
    assert campaign.entrants.filter(status="approved").count() == 4
    events = CleanupEvent.objects.filter(entrant__campaign=campaign)
    assert events.count() == 8
    assert set(EventDecision.objects.values_list("verdict", flat=True)) == {
        "approve",
        "adjust",
        "reject",
    }
    assert events.filter(status="submitted").count() == 0
    freeze = campaign.freezes.get()
    assert freeze.published_at is not None
    awards = freeze.snapshot["results"]["collective"]["awards"]
    assert freeze.certificates.count() == len(awards) + len(
        freeze.snapshot["results"]["individual"]["awards"]
    )
    practice = CleanupEvent.objects.filter(entrant__campaign__slug="demo")
    assert practice.filter(status="submitted").count() == 2
    standings = campaign_standings(campaign)
    assert len(standings.collective) == 3 and len(standings.individual) == 1
    assert standings.collective[0].ranked.score.points > 0
    awards = standings.allocation["collective"].awards
    assert [a.label for a in awards][:1] == ["Giải Nhất"]
    assert Campaign.objects.filter(slug="demo").exists()
