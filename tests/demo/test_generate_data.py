from io import StringIO

from django.core.management import call_command
from django.db.models import Sum

from events.models import CleanupEvent, EventPoints
from events.results.points import standings_differences
from hotspots.models import Hotspot
from maps import rollups
from maps.models import PLATFORM, HotspotAreaCount


def test_generate_data_labels_and_derives_everything(demo_areas):
    out = StringIO()
    call_command(
        "generate_data",
        "--hotspots",
        "300",
        "--events",
        "40",
        "--seed",
        "7",
        stdout=out,
    )
    assert "synthetic: 300 hotspots, 40 events" in out.getvalue()
    hotspots = Hotspot.objects.filter(channel="synthetic")
    assert hotspots.count() == 300
    assert not hotspots.filter(score=0).exists()
    # Areas are stored at write time: almost every point lies in a demo district.
    with_district = hotspots.filter(areas__level="district").distinct().count()
    assert with_district > 250
    assert set(hotspots.values_list("category", flat=True)) >= {"plastic", "household"}
    events = CleanupEvent.objects.filter(title__contains="synthetic")
    assert events.count() == 40
    assert not events.filter(current_decision__isnull=True).exists()
    # Written past the services, yet scored: the stored standings are current.
    assert EventPoints.objects.filter(event__in=events).count() == 40
    assert standings_differences() == []
    # H3 cells stored, and the rollups rebuilt after the bulk load.
    assert not hotspots.filter(h3_8__isnull=True).exists()
    assert not events.filter(h3_9__isnull=True).exists()
    assert (
        HotspotAreaCount.objects.filter(area_id=PLATFORM).aggregate(n=Sum("hotspots"))[
            "n"
        ]
        == 300
    )
    assert rollups.differences() == []
    # Same seed, same data shape.
    first = sorted(hotspots.values_list("category", flat=True))
    call_command(
        "generate_data",
        "--hotspots",
        "300",
        "--events",
        "0",
        "--seed",
        "7",
        stdout=StringIO(),
    )
    second = sorted(
        Hotspot.objects.filter(channel="synthetic")
        .order_by("-id")[:300]
        .values_list("category", flat=True)
    )
    assert first == second
