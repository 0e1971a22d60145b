"""Correct Vietnamese (issue 12, Deliver 7): machine-read numbers never localised,
no raw codes as visible text, one date format (dd/mm/yyyy, 24-hour, Huế time)."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import CleanupEvent
from hotspots.models import Hotspot

from .conftest import approve, client_for, log, report, user

DECIMAL_COMMA = re.compile(r"\d,\d")
# Attributes people read (or URLs): a decimal comma is right, or harmless, there.
TEXT_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "content", "href"}
TEXT_ATTRIBUTES |= {"src", "action", "data-label", "value", "download"}
RAW_CODES = ("district", "province", "plastic", "several_bags")
RAW_CODES += ("estimated_without_photo",)


class Markup(HTMLParser):
    """Collect machine-read attribute values and the text a person sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.machine: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.svg_depth = 0
        self.hidden_depth = 0  # inside <script>/<style>/<template>
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svg_depth += 1
        if tag in ("script", "style", "template"):
            self.hidden_depth += 1
        for name, value in attrs:
            value = value or ""
            machine = (
                self.svg_depth
                or name == "style"
                or (name.startswith("data-") and name not in TEXT_ATTRIBUTES)
                or name in ("viewbox", "width", "height", "x", "y")
            )
            if machine and name not in TEXT_ATTRIBUTES - {"value"}:
                self.machine.append((tag, name, value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_depth -= 1
        if tag in ("script", "style", "template"):
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.text.append(data)


def parse(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    markup.close()
    return markup


def vi(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200, url
    assert response.headers["Content-Language"] == "vi"
    return response.content.decode()


@pytest.fixture
def busy(contest, verified, organiser):
    """A contest with hotspots, fractional kilograms and an estimate without a photo."""
    campaign, rep, entrant, judge = contest
    verified(0, size="several_bags")
    verified(1)
    report(2)
    approve(log(entrant, rep, kg=12.5, hours_ago=30, method="measured"), judge)
    approve(log(entrant, rep, kg=3.25, hours_ago=80, method="measured"), judge)
    log(entrant, rep, kg=7.5, hours_ago=50, method="estimated")  # no photo
    return contest


def staff(organiser) -> Client:
    organiser.refresh_from_db()  # the contest builder set its password again
    return client_for(organiser)


def pages(campaign) -> list[str]:
    hotspot = Hotspot.objects.order_by("pk").first()
    return [
        reverse("home"),
        "/hotspots/",  # the public list page
        hotspot.get_absolute_url(),
        reverse("coverage:page") + f"?campaign={campaign.slug}",
        reverse("analysis:hexagons") + f"?campaign={campaign.slug}",
        reverse("dashboard:index") + f"?campaign={campaign.slug}",
        reverse("events:event-review", args=[campaign.slug]),
        reverse("events:leaderboard", args=[campaign.slug]),
    ]


def test_dashboard_svg_has_no_decimal_comma_in_vietnamese(busy):
    html = vi(client_for(user("ioc", "ioc")), reverse("dashboard:index"))
    markup = parse(html)
    svg = [item for item in markup.machine if item[0] in ("rect", "line", "text")]
    assert len(svg) > 60  # the bars, grid lines and ticks of both charts
    fractional = [v for _t, _n, v in svg if re.fullmatch(r"\d+\.\d+", v)]
    assert fractional, "the layout has fractional coordinates, written with a dot"
    assert [item for item in markup.machine if DECIMAL_COMMA.search(item[2])] == []
    # ...while the text people read stays Vietnamese (12,5 kg in the day table).
    assert "12,5" in " ".join(markup.text)


def test_no_vietnamese_page_writes_a_decimal_comma_into_markup(busy, organiser):
    campaign = busy.campaign
    client = staff(organiser)
    for url in pages(campaign):
        markup = parse(vi(client, url))
        bad = [item for item in markup.machine if DECIMAL_COMMA.search(item[2])]
        assert bad == [], url


def test_coverage_table_sort_values_are_plain_numbers(busy, organiser):
    url = reverse("coverage:page") + f"?campaign={busy.campaign.slug}"
    markup = parse(vi(staff(organiser), url))
    values = [
        v for tag, name, v in markup.machine if tag == "td" and name == "data-value"
    ]
    assert values and all(re.fullmatch(r"(-?\d+(\.\d+)?)?", v) for v in values)
    assert any("." in v for v in values)  # 15.75 kg in one district


def test_no_vietnamese_page_shows_a_raw_code(busy, organiser):
    campaign = busy.campaign
    client = staff(organiser)
    for url in pages(campaign):
        text = " ".join(parse(vi(client, url)).text)
        shown = [code for code in RAW_CODES if re.search(rf"\b{code}\b", text)]
        assert shown == [], url


def test_level_selector_and_jury_flags_show_vietnamese_labels(busy, organiser):
    campaign = busy.campaign
    client = staff(organiser)
    coverage = vi(client, reverse("coverage:page") + f"?campaign={campaign.slug}")
    assert (
        '<option value="district" selected>Quận / huyện / thị xã</option>' in coverage
    )
    assert '<option value="province">Tỉnh / thành phố</option>' in coverage
    queue = vi(client, reverse("events:event-review", args=[campaign.slug]))
    assert "<strong>Ước tính khối lượng nhưng không có ảnh</strong>:" in queue
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(
        reverse("events:event-review", args=[campaign.slug])
    ).content.decode()
    assert "<strong>Weight estimated without a photo</strong>:" in english


def test_pages_show_one_date_format_in_hue_time(busy, organiser):
    """A known moment (23:30 UTC = 06:30 next day in Huế) shows as dd/mm/yyyy HH:MM."""
    campaign, rep, entrant, judge = busy
    moment = dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC)
    event = CleanupEvent.objects.get(entrant=entrant, weight_method="estimated")
    CleanupEvent.objects.filter(pk=event.pk).update(
        started_at=moment - dt.timedelta(hours=2), ended_at=moment
    )
    hotspot = Hotspot.objects.order_by("pk").first()
    Hotspot.objects.filter(pk=hotspot.pk).update(created_at=moment)
    client = staff(organiser)
    detail = vi(client, hotspot.get_absolute_url())
    assert "05/03/2026 06:30" in detail
    queue = vi(client, reverse("events:event-review", args=[campaign.slug]))
    assert "05/03/2026 04:30" in queue  # it started two hours earlier
    for url in pages(campaign):
        text = " ".join(parse(vi(client, url)).text)
        assert not re.search(r"\b\d{2}-\d{2}-\d{4}\b", text), url  # Django's d-m-Y
        assert not re.search(r"\d{1,2}:\d{2} \d{2}/\d{2}/\d{4}", text), url  # H:i first


def test_date_filters_use_the_project_formats():
    from django.template import Context, Template
    from django.utils import translation

    moment = timezone.make_aware(dt.datetime(2026, 12, 1, 7, 5))
    template = Template("{{ d|date }}|{{ d|date:'SHORT_DATETIME_FORMAT' }}|{{ d }}")
    for lang in ("vi", "en"):
        with translation.override(lang):
            assert template.render(Context({"d": moment})) == (
                "01/12/2026|01/12/2026 07:05|01/12/2026 07:05"
            )
    with translation.override("vi"):
        assert Template("{{ x }}").render(Context({"x": 12.5})) == "12,5"
