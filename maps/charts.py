"""Charts over a campaign's days, from plain numbers: its days and weeks, the
daily series, and SVG bar layouts the dashboard template draws.

Pure (no ORM): maps.selectors.daily_counts reads the numbers. Bars are laid out
in SVG user units (a CHART_W × CHART_H viewBox); the template auto-escapes every
label, gives each chart a <title> and a data table beside it.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.utils import formats

# --- a campaign's days and weeks ----------------------------------------------------


# A contest lasts weeks; a year and a day is more than any real one. The cap keeps
# a window typed wrong (years 0001 to 9999, now refused by the campaign's
# constraints, but an old row may remain) from drawing 3.6 million bars: 25 MB
# of SVG in 18 s.
MAX_DAYS = 366


def campaign_days(
    start: dt.date, end: dt.date, *, limit: int = MAX_DAYS
) -> list[dt.date]:
    """Return every day of an activity window, first to last (both included),
    at most `limit` of them (the first ones)."""
    span = min((end - start).days + 1, limit, (dt.date.max - start).days + 1)
    return [start + dt.timedelta(days=i) for i in range(span)]


@dataclass(frozen=True)
class Period:
    value: str  # the first day, ISO (what the select sends back)
    start: dt.date
    end: dt.date  # inclusive
    index: int  # 1-based day or week of the campaign


def campaign_periods(start: dt.date, end: dt.date, unit: str) -> list[Period]:
    """Return the window's days, or its weeks counted from its first day."""
    days = campaign_days(start, end)
    step = 7 if unit == "week" else 1
    periods = []
    for index, i in enumerate(range(0, len(days), step), start=1):
        chunk = days[i : i + step]
        periods.append(Period(chunk[0].isoformat(), chunk[0], chunk[-1], index))
    return periods


def daily_series(
    days: list[dt.date], reports: dict[dt.date, int], kilograms: dict[dt.date, float]
) -> list[tuple[dt.date, int, float]]:
    """Return (day, reports filed, verified kg) for every day, 0 where none."""
    return [(day, reports.get(day, 0), kilograms.get(day, 0.0)) for day in days]


# --- SVG bar charts --------------------------------------------------------------

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
