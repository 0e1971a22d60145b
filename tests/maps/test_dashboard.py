"""The IOC dashboard (figures, SVG charts, top areas) and the embeddable map."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from events.models import CleanupEvent, Entrant, Participant
from hotspots.models import Hotspot, Status
from maps.charts import bar_chart
from maps.dashboard_views import frame_ancestors

from .conftest import approve, client_for, log, report, user

DASHBOARD = reverse("dashboard:index")
EMBED = reverse("dashboard:embed")


def figure(html: str, name: str) -> str:
    return re.search(r'data-testid="h-' + name + r'">([^<]*)<', html).group(1)


# --- charts (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "top_label"),
    [([0, 0], "1"), ([3, 7, 1], "10"), ([120.5, 40], "200"), ([0.4], "0,5")],
)
def test_bar_chart_scales_bars_to_a_round_axis_top(values, top_label):
    chart = bar_chart([(str(i), v) for i, v in enumerate(values)], title="t", unit="kg")
    assert len(chart.bars) == len(values)
    assert chart.y_ticks[-1].text == top_label
    tallest = max(chart.bars, key=lambda b: b.height)
    plot_h = chart.baseline - chart.y_ticks[-1].y
    top = float(top_label.replace(",", "."))
    assert tallest.height == pytest.approx(plot_h * max(values) / top, abs=0.01)
    for bar in chart.bars:  # every bar stands on the baseline, inside the plot
        assert bar.y + bar.height == pytest.approx(chart.baseline, abs=0.02)
        assert chart.plot_left <= bar.x and bar.x + bar.width <= chart.plot_right


# --- the dashboard ---------------------------------------------------------------------


def test_dashboard_is_for_ioc_organisers_and_the_secretary(contest, client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(user("dan", "resident")).get(DASHBOARD).status_code == 403
    assert client_for(user("giamkhao2", "judge")).get(DASHBOARD).status_code == 403
    for role in ("ioc", "organiser", "secretary"):
        assert client_for(user("u-" + role, role)).get(DASHBOARD).status_code == 200


def test_dashboard_figures_equal_direct_counts(contest, verified, organiser):
    campaign, rep, entrant, judge = contest
    verified(0)
    priority = verified(1)
    Hotspot.objects.filter(pk=priority.pk).update(priority=True)
    cleaned = verified(2)
    Hotspot.objects.filter(pk=cleaned.pk).update(status=Status.CLEANED)
    report(3)  # reported only
    rejected = report(4)
    Hotspot.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    approve(log(entrant, rep, kg=40, hours_ago=30), judge)
    approve(log(entrant, rep, kg=12.5, hours_ago=80), judge)
    log(entrant, rep, kg=900, hours_ago=100)  # not judged yet
    html = client_for(user("ioc", "ioc")).get(DASHBOARD).content.decode()

    counted = Hotspot.objects.exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
    events = CleanupEvent.objects.filter(entrant__campaign=campaign).exclude(
        status="rejected"
    )
    kg = events.filter(status__in=["approved", "adjusted"]).aggregate(
        kg=Sum("current_decision__verified_weight_kg")
    )["kg"]
    assert figure(html, "reports") == str(counted.count()) == "4"
    assert figure(html, "verified") == str(
        counted.filter(status__in=["verified", "cleaned", "reopened"]).count()
    )
    assert figure(html, "priority") == str(counted.filter(priority=True).count())
    assert figure(html, "cleaned") == str(counted.filter(status="cleaned").count())
    assert figure(html, "events") == str(events.count()) == "3"
    assert Decimal(figure(html, "kg").replace(",", ".")) == kg == Decimal("52.5")
    assert figure(html, "participants") == str(
        Participant.objects.filter(event__in=events).count()
    )
    assert figure(html, "entrants") == str(
        Entrant.objects.filter(campaign=campaign, status="approved").count()
    )


def test_dashboard_draws_accessible_svg_charts_with_a_data_table(contest, verified):
    campaign, rep, entrant, judge = contest
    verified(0)
    verified(1)
    approve(log(entrant, rep, kg=40, hours_ago=30), judge)
    html = client_for(user("ioc", "ioc")).get(DASHBOARD).content.decode()
    days = (campaign.activity_end - campaign.activity_start).days + 1
    for testid in ("chart-reports", "chart-kg"):
        chart = html[html.index(f'data-testid="{testid}"') :]
        chart = chart[: chart.index("</figure>")]
        assert chart.count('<rect class="bar"') == days
        assert f'<title id="{testid}-title">' in chart and 'role="img"' in chart
    table = html[html.index('data-testid="daily-table"') :]
    today = dt.date.today().strftime("%d/%m/%Y")
    assert f"<td>{today}</td><td>2</td>" in table
    assert "<script" not in html.split("<main>")[1].split("</main>")[0]


def test_dashboard_lists_top_areas_from_area_metrics(contest, verified):
    verified(0)
    html = client_for(user("ioc", "ioc")).get(DASHBOARD).content.decode()
    body = html[html.index('data-testid="top-areas"') :]
    body = body[body.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert "Thành phố Huế" in first_row and "<td>1</td>" in first_row


# --- the embeddable map ---------------------------------------------------------------


def test_embed_map_may_be_framed_by_configured_origins_only(
    demo_areas, client, settings, verified
):
    verified(0)
    settings.EMBED_FRAME_ANCESTORS = [
        "https://news.example.vn",
        "https://bad.example; script-src *",
    ]
    response = client.get(EMBED)
    html = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = dict(
        (part.split() + [""])[:1] + [" ".join(part.split()[1:])]
        for part in response["Content-Security-Policy"].split(";")
    )
    # The site's policy, with the configured framers (and nothing smuggled in).
    assert policy["frame-ancestors"] == "'self' https://news.example.vn"
    assert policy["script-src"].startswith("'self'")
    assert "*" not in policy["script-src"]
    assert 'id="tilemap-config"' in html and "/tiles/hotspots.json" in html
    assert 'class="site-nav"' not in html
    other = client.get(reverse("maps:public"))
    assert other["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_embed_frame_ancestors_default_is_same_origin_only(settings):
    settings.EMBED_FRAME_ANCESTORS = []
    assert frame_ancestors() == "'self'"
