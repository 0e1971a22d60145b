"""The event pages: log (form page), one event (public/private), the jury's review list."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from events.campaigns.services import entrant_approve
from tests import builders


@pytest.fixture
def contest(demo_areas, organiser):
    """The shared contest, its team still waiting for the organisers' approval."""
    return builders.contest(approve=False)


def log(entrant, rep, *, kg=50, hours_ago=30, method="estimated", **extra):
    return builders.event(
        entrant=entrant,
        representative=rep,
        location=Point(107.6060, 16.4550, srid=4326),
        kg=kg,
        hours_ago=hours_ago,
        method=method,
        notes="Gọi chị Lan 0905123456",
        **extra,
    )


def test_event_form_only_for_an_approved_representative(contest, organiser, client):
    campaign, rep, entrant, judge = contest
    url = reverse("events:event-new")
    assert client.get(url).status_code == 302  # to log in
    client.force_login(rep)
    pending = client.get(url)
    assert pending.status_code == 403
    assert "chờ Ban Tổ chức duyệt" in pending.content.decode()
    entrant_approve(entrant=entrant, actor=organiser)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="entrant" value="{entrant.pk}"' in html
    assert "Trần Văn Minh" in html  # members to pick
    assert 'id="event-config"' in html and "/api/v1/events/" in html


def test_public_event_page_hides_names_notes_and_unpublished_entrant(
    contest, organiser, client
):
    campaign, rep, entrant, judge = contest
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    event = log(entrant, rep)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Vớt rác sông An Cựu" in html and "50" in html
    for secret in (
        "Trần Văn Minh",
        "Người dân Ngọc Lan",
        "0905123456",
        "Đội Sông Hương",
    ):
        assert secret not in html
    assert f"Đội thi #{entrant.pk}" in html
    client.force_login(rep)
    own = client.get(event.get_absolute_url()).content.decode()
    assert "Trần Văn Minh" in own and "Gọi chị Lan" in own and "Đội Sông Hương" in own


def test_judges_see_flags_explained_in_the_review_list(contest, organiser, client):
    campaign, rep, entrant, judge = contest
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    log(entrant, rep, kg=900)  # 900 kg by 2 people in 2 hours: implausible
    log(entrant, rep, kg=10, hours_ago=60, method="measured")  # nothing to flag
    url = reverse("events:event-review", args=[campaign.slug])
    client.force_login(rep)
    assert client.get(url).status_code == 403
    client.force_login(judge)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="review-row"') == 2
    assert "225" in html  # 900 / (2 × 2)
    # The flag's name in Vietnamese for the jury; its code stays in the markup.
    assert (
        '<li data-flag="kg_per_participant_hour">'
        "<strong>Khối lượng mỗi người mỗi giờ cao</strong>:"
    ) in html
    flagged = client.get(url, {"flagged": "1"}).content.decode()
    assert flagged.count('data-testid="review-row"') == 1


def test_unknown_event_is_404(db, client):
    assert client.get(reverse("events:event", args=[999])).status_code == 404
