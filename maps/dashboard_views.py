"""The IOC dashboard (headline figures, charts over time, top areas) and the
embeddable public map.

Charts are inline SVG computed here as plain numbers and drawn by the template
(auto-escaped): no JavaScript chart library, a <title> for screen readers and a
data table beside each chart.
"""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from accounts.roles import Role
from maps import selectors as data
from maps.selectors import area_metrics

from .public_views import _chosen_campaign, public_map_context, roles_required

DASHBOARD_ROLES = (Role.IOC, Role.ORGANISER, Role.SECRETARY)
TOP_AREAS = 10

# --- SVG bar charts ------------------------------------------------------------

CHART_W, CHART_H = 600, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 8, 12, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the day
    value: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str
    width: int
    height: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    baseline: float
    plot_left: float
    plot_right: float


def _nice_max(value: float) -> float:
    """Return a round number >= value (1, 2, 5 × 10^n) for the axis top."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _number(value: float) -> str:
    return formats.number_format(
        round(value, 1), decimal_pos=0 if value == int(value) else 1
    )


def bar_chart(series: list[tuple[str, float]], *, title: str, unit: str) -> BarChart:
    """Lay out one bar per (label, value), in SVG user units (viewBox CHART_W×H)."""
    plot_w = CHART_W - PAD_LEFT - PAD_RIGHT
    plot_h = CHART_H - PAD_TOP - PAD_BOTTOM
    top = _nice_max(max((value for _label, value in series), default=0.0))
    slot = plot_w / max(len(series), 1)
    gap = min(slot * 0.2, 4.0)
    baseline = PAD_TOP + plot_h
    bars = []
    for i, (label, value) in enumerate(series):
        height = plot_h * value / top
        bars.append(
            Bar(
                x=round(PAD_LEFT + i * slot + gap / 2, 2),
                y=round(baseline - height, 2),
                width=round(max(slot - gap, 0.5), 2),
                height=round(height, 2),
                label=label,
                value=_number(value),
            )
        )
    y_ticks = [
        Tick(PAD_LEFT - 6, round(baseline - plot_h * f, 2), _number(top * f))
        for f in (0, 0.5, 1)
    ]
    x_ticks = []
    if series:
        for i in sorted({0, len(series) // 2, len(series) - 1}):
            x_ticks.append(
                Tick(round(PAD_LEFT + (i + 0.5) * slot, 2), CHART_H - 8, series[i][0])
            )
    return BarChart(
        title=title,
        unit=unit,
        width=CHART_W,
        height=CHART_H,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        baseline=baseline,
        plot_left=PAD_LEFT,
        plot_right=CHART_W - PAD_RIGHT,
    )


# --- the dashboard ------------------------------------------------------------------


def _label(day) -> str:
    return formats.date_format(day, "d/m")


def _top_areas(campaign) -> list:
    """Return the campaign's areas with most reports, from the one shared computation."""
    metrics = area_metrics(campaign=campaign, level=campaign.coverage_level)
    ranked = sorted(
        metrics,
        key=lambda m: (-m.hotspots_reported, -float(m.verified_kg), m.name),
    )
    return ranked[:TOP_AREAS]


@require_http_methods(["GET", "HEAD"])
@roles_required(*DASHBOARD_ROLES)
def dashboard(request):
    """Show a campaign's headline figures, its days in charts, and its top areas."""
    campaigns = data.campaign_choices()
    campaign = _chosen_campaign(request, campaigns)
    context = {"campaigns": campaigns, "campaign": campaign}
    if campaign is not None:
        days = data.daily_series(campaign)
        context.update(
            {
                "headline": data.headline(campaign),
                "days": days,
                "reports_chart": bar_chart(
                    [(_label(day), n) for day, n, _kg in days],
                    title=_("Số báo cáo điểm nóng mỗi ngày"),
                    unit=_("báo cáo"),
                ),
                "kg_chart": bar_chart(
                    [(_label(day), kg) for day, _n, kg in days],
                    title=_("Khối lượng thu gom đã xác nhận mỗi ngày (kg)"),
                    unit="kg",
                ),
                "top_areas": _top_areas(campaign),
            }
        )
    return render(request, "maps/dashboard.html", context)


# --- the embeddable map -----------------------------------------------------------------

# An origin is a scheme, a host and maybe a port; anything else in the setting is
# dropped so that it can never add another directive to the header.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def frame_ancestors() -> str:
    origins = [o for o in settings.EMBED_FRAME_ANCESTORS if ORIGIN.match(o)]
    return " ".join(["'self'", *origins])


@require_http_methods(["GET", "HEAD"])
@xframe_options_exempt
def embed_map(request):
    """Show the public map with minimal chrome, frameable by the configured sites."""
    response = render(request, "maps/embed.html", public_map_context(request))
    response["Content-Security-Policy"] = "frame-ancestors " + frame_ancestors()
    return response
