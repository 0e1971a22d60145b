import pytest
from django.contrib.gis.geos import Point

from geo.models import AdminArea
from geo.selectors import areas_containing
from geo.services import AreaLinks, areas_assign_bulk
from hotspots.models import Hotspot, SizeClass
from hotspots.services import hotspot_report

HUE = (107.5786, 16.4698)  # Thành phố Huế: the province and one district
LAGOON = (107.7060, 16.4470)  # Phú Vang, ~14 km away
NOWHERE = (107.8, 16.9)  # in the service envelope, in no demo area


def _shared_vertex() -> tuple[float, float]:
    """Return a boundary vertex two demo districts share: it lies in both."""
    districts = list(AdminArea.objects.filter(level="district").order_by("id"))
    for area in districts:
        for x, y in area.geom[0].exterior_ring.coords:
            vertex = Point(x, y, srid=4326)
            inside = [d for d in districts if d.geom.intersects(vertex)]
            if len(inside) == 2:
                return x, y
    raise AssertionError("the demo districts share no vertex")


def _report(lon: float, lat: float) -> Hotspot:
    return hotspot_report(
        location=Point(lon, lat, srid=4326),
        category="plastic",
        size_class=SizeClass.objects.get(key="bag"),
    ).hotspot


def _links(hotspot: Hotspot) -> set[int]:
    return set(hotspot.areas.values_list("id", flat=True))


def test_bulk_assign_gives_the_areas_containing_each_point(demo_areas):
    seam = _shared_vertex()
    rows = [_report(*p) for p in (HUE, LAGOON, seam, NOWHERE)]
    untouched = _report(107.60, 16.47)
    expected = {h.pk: {a.id for a in areas_containing(h.location)} for h in rows}
    assert len(expected[rows[2].pk]) == 3  # the province and both districts
    assert expected[rows[3].pk] == set()
    # Start from stale links: none on most rows, a wrong one on the last row, and
    # a wrong one on a row outside the batch, which must keep it.
    Hotspot.areas.through.objects.all().delete()
    wrong = AdminArea.objects.get(level="district", pk__in=expected[rows[1].pk])
    rows[3].areas.add(wrong)
    untouched.areas.set([wrong])

    result = areas_assign_bulk(Hotspot.objects.filter(pk__in=[h.pk for h in rows]))

    assert {h.pk: _links(h) for h in rows} == expected
    assert _links(untouched) == {wrong.pk}
    assert result == AreaLinks(
        removed=1, inserted=sum(len(ids) for ids in expected.values())
    )


def test_bulk_assign_twice_changes_nothing(demo_areas):
    hotspot = _report(*HUE)
    before = _links(hotspot)
    result = areas_assign_bulk(Hotspot.objects.filter(pk=hotspot.pk))
    assert result == AreaLinks(removed=0, inserted=0)
    assert _links(hotspot) == before


@pytest.mark.parametrize(
    "kwargs",
    [{"field": "cleanup_events"}, {"point": "description"}, {"point": "areas"}],
)
def test_bulk_assign_refuses_fields_that_are_not_areas_and_a_point(db, kwargs):
    with pytest.raises(ValueError):
        areas_assign_bulk(Hotspot.objects.all(), **kwargs)


def test_bulk_assign_of_one_level_keeps_the_other_levels_links(demo_areas):
    hotspot = _report(*HUE)
    province = AdminArea.objects.get(level="province")
    district = hotspot.areas.get(level="district")
    other = AdminArea.objects.filter(level="district").exclude(pk=district.pk).first()
    # Stale district link, and the province link removed by hand.
    hotspot.areas.set([other])
    result = areas_assign_bulk(Hotspot.objects.filter(pk=hotspot.pk), level="district")
    assert _links(hotspot) == {district.pk}  # province untouched (absent)
    assert result == AreaLinks(removed=1, inserted=1)
    areas_assign_bulk(Hotspot.objects.filter(pk=hotspot.pk), level="province")
    assert _links(hotspot) == {district.pk, province.pk}


def test_assign_areas_command_relinks_hotspots_and_events(contest):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from events.models import CleanupEvent
    from tests import builders

    campaign, rep, entrant, judge = contest
    hotspot = _report(*HUE)
    event = builders.event(
        entrant=entrant, representative=rep, location=Point(*LAGOON, srid=4326)
    )
    expected_event = {a.id for a in areas_containing(event.location)}
    expected_hotspot = _links(hotspot)
    Hotspot.areas.through.objects.all().delete()
    CleanupEvent.areas.through.objects.all().delete()
    out = StringIO()
    call_command("assign_areas", stdout=out)
    assert _links(hotspot) == expected_hotspot
    assert set(event.areas.values_list("id", flat=True)) == expected_event
    assert (
        "hotspots.Hotspot" in out.getvalue() and "events.CleanupEvent" in out.getvalue()
    )
    with pytest.raises(CommandError):
        call_command("assign_areas", "--level", "hamlet", stdout=StringIO())
