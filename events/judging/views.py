"""Pages of the jury: one event's review (evidence and the three decisions), the
filters of the review list, and the leaderboards.

Thin views: reads through selectors (events.cleanups.selectors, events.results.standings),
writes through the judging service (events.judging.services.event_decide), whose
ContestError comes back beside the form it concerns. The forms live here, beside
the only pages that use them; they check the shape of input, the service the rules.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import folium
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.roles import Role, has_role
from events.campaigns.selectors import can_see_private
from events.campaigns.views import format_vnd
from events.cleanups import selectors as event_selectors
from events.cleanups.flags import flags_for
from events.cleanups.services import CONTEST_TZ
from events.errors import ContestError
from events.judging.services import conflict_reason, event_decide, figures
from events.models import (
    Campaign,
    CleanupEvent,
    Entrant,
    EventStatus,
    PhotoKind,
    Verdict,
    WeightMethod,
)
from events.results.standings import campaign_standings
from geo.models import AdminArea
from hotspots.models import Hotspot
from maps.assets import make_map, render_parts
from maps.layers import hotspot_layer, point_layer
from maps.markers import PRIORITY, hotspot_markers
from maps.selectors import hotspot_rows

REASON_MAX_LENGTH = 2000
STATUS_ALL = "all"
# How far down the queue to look for an event the judge may review.
NEXT_LOOKAHEAD = 200
KG_FIELDS = ("weight_kg", "plastic_kg", "water_hyacinth_kg", "other_kg")


def _jury_only(request):
    """Organisers, judges and the secretary; anonymous: log in; others: 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_private(request.user):
        raise PermissionDenied
    return None


# --- the review list's filters (events.cleanups.views.event_review_page) ----------


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[
            (EventStatus.SUBMITTED, gettext_lazy("Chờ chấm (đã nộp)")),
            (EventStatus.APPROVED, gettext_lazy("Đã duyệt")),
            (EventStatus.ADJUSTED, gettext_lazy("Đã điều chỉnh")),
            (EventStatus.REJECTED, gettext_lazy("Bị loại")),
            (STATUS_ALL, gettext_lazy("Tất cả")),
        ],
    )
    entrant = forms.ModelChoiceField(
        label=gettext_lazy("Đội thi"),
        queryset=Entrant.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tất cả"),
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("Địa bàn"),
        queryset=AdminArea.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tất cả"),
    )
    flagged = forms.BooleanField(
        label=gettext_lazy("Chỉ sự kiện có cảnh báo (trong trang này)"),
        required=False,
    )

    def __init__(self, data, *, campaign: Campaign):
        super().__init__(data)
        self.fields["entrant"].queryset = Entrant.objects.filter(
            campaign=campaign
        ).order_by("name", "id")
        # Areas at the campaign's coverage level, by name (boundaries not loaded).
        self.fields["area"].queryset = (
            AdminArea.objects.filter(level=campaign.coverage_level)
            .only("id", "name")
            .order_by("name", "id")
        )

    def values(self) -> dict:
        """Return the filters; an invalid value falls back to its default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or EventStatus.SUBMITTED,
            "entrant": data.get("entrant"),
            "area": data.get("area"),
            "flagged": bool(data.get("flagged")),
        }


# --- one event's review ---------------------------------------------------------


def _kg_field(label, **attrs) -> forms.DecimalField:
    # Only "is it a finite number" here: range and precision are the service's rules.
    return forms.DecimalField(
        label=label,
        required=False,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "inputmode": "decimal", **attrs}
        ),
    )


class DecisionForm(forms.Form):
    def service_arguments(self) -> dict:
        return {"reason": self.cleaned_data.get("reason") or ""}

    def add_contest_error(self, error: ContestError) -> None:
        """Put a service error beside the field it names, else above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class ApproveForm(DecisionForm):
    reason = forms.CharField(
        label=gettext_lazy("Ghi chú (không bắt buộc)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdjustForm(DecisionForm):
    # The page opened with #adjust lands here with the cursor in it: the browser
    # focuses a focusable fragment target itself, no script needed.
    weight_kg = _kg_field(gettext_lazy("Tổng khối lượng xác nhận (kg)"), id="adjust")
    plastic_kg = _kg_field(gettext_lazy("Nhựa (kg)"))
    water_hyacinth_kg = _kg_field(gettext_lazy("Bèo lục bình (kg)"))
    other_kg = _kg_field(gettext_lazy("Rác khác (kg)"))
    method = forms.ChoiceField(
        label=gettext_lazy("Cách xác định khối lượng"),
        choices=WeightMethod.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    # Required by the judging service (the browser asks too); checked there.
    reason = forms.CharField(
        label=gettext_lazy("Lý do điều chỉnh (bắt buộc)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data.get("reason") or "",
            "weight_kg": data.get("weight_kg"),
            "plastic_kg": data.get("plastic_kg"),
            "water_hyacinth_kg": data.get("water_hyacinth_kg"),
            "other_kg": data.get("other_kg"),
            "method": data.get("method") or None,
        }


class RejectForm(DecisionForm):
    reason = forms.CharField(
        label=gettext_lazy("Lý do loại (bắt buộc)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


DECISION_FORMS: dict[str, type[DecisionForm]] = {
    Verdict.APPROVE: ApproveForm,
    Verdict.ADJUST: AdjustForm,
    Verdict.REJECT: RejectForm,
}


def _decision_forms(current: dict) -> dict[str, DecisionForm]:
    """Unbound forms; the adjust form starts from the current figures."""
    adjust_initial = {name: current[name] for name in KG_FIELDS}
    adjust_initial["method"] = current["method"]
    return {
        Verdict.APPROVE: ApproveForm(prefix=Verdict.APPROVE),
        Verdict.ADJUST: AdjustForm(prefix=Verdict.ADJUST, initial=adjust_initial),
        Verdict.REJECT: RejectForm(prefix=Verdict.REJECT),
    }


def _claimed_hotspots(event: CleanupEvent) -> list[Hotspot]:
    return list(
        Hotspot.objects.filter(cleanup_events=event)
        .only("id", "location", "category", "score", "priority", "status")
        .order_by("id")
    )


def _evidence_map(event: CleanupEvent, hotspots: list[Hotspot]):
    """The location, the outline and route as drawn, and the claimed hotspots."""
    fmap = make_map(location=[event.location.y, event.location.x], zoom_start=16)
    point_layer(event.location, outline=event.outline).add_to(fmap)
    if event.route is not None:
        folium.PolyLine(
            [(y, x) for x, y in event.route.coords], color="#1b7f3b", weight=4
        ).add_to(fmap)
    markers = hotspot_markers(hotspot_rows(hotspots), lines=(PRIORITY,))
    if markers:
        hotspot_layer(markers).add_to(fmap)
        lats = [m.lat for m in markers] + [event.location.y]
        lons = [m.lon for m in markers] + [event.location.x]
        fmap.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]],
            max_zoom=17,
            padding=(20, 20),
        )
    return render_parts(fmap)


def next_in_queue(event: CleanupEvent, judge) -> CleanupEvent | None:
    """Return the oldest other submitted event of the campaign the judge may review."""
    candidates = (
        CleanupEvent.objects.filter(
            entrant__campaign_id=event.entrant.campaign_id,
            status=EventStatus.SUBMITTED,
        )
        .exclude(pk=event.pk)
        .exclude(entrant__representative=judge)
        .exclude(entrant__conflicts__judge=judge)
        .select_related("entrant__contact")
        .prefetch_related("entrant__members")
        .only("id", "entrant")
        .order_by("created_at", "id")[:NEXT_LOOKAHEAD]
    )
    verdicts: dict[int, bool] = {}  # entrant id -> the judge has a conflict
    for candidate in candidates:
        if candidate.entrant_id not in verdicts:
            verdicts[candidate.entrant_id] = (
                conflict_reason(judge, candidate.entrant) is not None
            )
        if not verdicts[candidate.entrant_id]:
            return candidate
    return None


def _label(choices, value) -> str:
    """Return a choice's label; a value no longer among the choices as written."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _kg(text) -> Decimal | str:
    """A kilogram figure stored as text, as a number (shown localised)."""
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return text or ""


def _trail(event: CleanupEvent) -> list:
    """The event's decisions, oldest first, with the before/after labels to show."""
    decisions = list(event.decisions.select_related("judge").order_by("at", "id"))
    for decision in decisions:
        # Display-only attributes, never saved (the rows are immutable).
        decision.before_status = _label(EventStatus, decision.before.get("status"))
        decision.after_status = _label(EventStatus, decision.after.get("status"))
        decision.before_method = _label(WeightMethod, decision.before.get("method"))
        decision.after_method = _label(WeightMethod, decision.after.get("method"))
        decision.before_kg = _kg(decision.before.get("weight_kg"))
        decision.after_kg = _kg(decision.after.get("weight_kg"))
    return decisions


@require_http_methods(["GET", "HEAD", "POST"])
def event_review_one(request, pk: int):
    """One event with its evidence side by side; judges decide, others only look."""
    refused = _jury_only(request)
    if refused is not None:
        return refused
    event = event_selectors.event_get(pk)
    if event is None:
        raise Http404
    is_judge = has_role(request.user, Role.JUDGE)
    conflict = conflict_reason(request.user, event.entrant) if is_judge else None
    current = figures(event)
    decision_forms = _decision_forms(current)
    status = 200
    if request.method == "POST":
        if not is_judge:
            raise PermissionDenied
        verdict = request.POST.get("verdict", "")
        form_class = DECISION_FORMS.get(verdict)
        if form_class is None:
            messages.error(request, _("Quyết định không hợp lệ."))
            status = 400
        else:
            form = form_class(request.POST, prefix=verdict)
            decision_forms[verdict] = form
            status = 400
            if form.is_valid():
                try:
                    decision = event_decide(
                        event=event,
                        judge=request.user,
                        verdict=verdict,
                        **form.service_arguments(),
                    )
                except ContestError as error:
                    form.add_contest_error(error)
                    status = error.status
                else:
                    messages.success(
                        request,
                        _("Đã ghi quyết định “%(verdict)s” cho sự kiện “%(title)s”.")
                        % {
                            "verdict": decision.get_verdict_display(),
                            "title": event.title,
                        },
                    )
                    following = next_in_queue(event, request.user)
                    if following is not None:
                        return redirect("events:event-review-one", following.pk)
                    return redirect("events:event-review", event.entrant.campaign.slug)
    hotspots = _claimed_hotspots(event)
    photos = list(event.photos.all())
    context = {
        "event": event,
        "campaign": event.entrant.campaign,
        "is_judge": is_judge,
        "conflict": conflict,
        "can_decide": is_judge and conflict is None,
        "forms": decision_forms,
        "reported": {
            "weight_kg": event.weight_kg,
            "plastic_kg": event.plastic_kg,
            "water_hyacinth_kg": event.water_hyacinth_kg,
            "other_kg": event.other_kg,
            "method": event.get_weight_method_display(),
        },
        # figures() gives strings; numbers again, so they are shown localised.
        "current": {
            **{name: Decimal(current[name]) for name in KG_FIELDS},
            "method": _label(WeightMethod, current["method"]),
        },
        "participants": list(event.participants.all()),
        "flags": flags_for([event])[event.pk],
        "decisions": _trail(event),
        "before": [p for p in photos if p.kind == PhotoKind.BEFORE],
        "after": [p for p in photos if p.kind == PhotoKind.AFTER],
        "hotspots": hotspots,
        "areas": sorted(event.areas.all(), key=lambda a: -a.area_km2),
        "map": _evidence_map(event, hotspots),
        "contest_tz": CONTEST_TZ,
    }
    response = render(request, "events/review_event.html", context, status=status)
    response["Cache-Control"] = "private, no-store"  # names of participants
    return response


# --- leaderboards ---------------------------------------------------------------

# events.results.scoring writes its breakdown lines in plain English for logs and tests;
# the pages and the API show them in the person's language. Each known shape is
# matched here (an unknown one is shown as written).
NUMBER = r"-?\d+(?:\.\d+)?"
LINE_SHAPES: tuple[tuple[re.Pattern, object, str], ...] = (
    (
        re.compile(rf"^plastic (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})$"),
        gettext_lazy("Nhựa %(kg)s kg × %(factor)s điểm/kg"),
        "points",
    ),
    (
        re.compile(rf"^water hyacinth (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})$"),
        gettext_lazy("Bèo lục bình %(kg)s kg × %(factor)s điểm/kg"),
        "points",
    ),
    (
        re.compile(rf"^other (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})$"),
        gettext_lazy("Rác khác và chưa phân loại %(kg)s kg × %(factor)s điểm/kg"),
        "points",
    ),
    (
        re.compile(rf"^priority hotspot x (?P<factor>{NUMBER})$"),
        gettext_lazy("Làm sạch điểm nóng ưu tiên: nhân %(factor)s"),
        "multiplier",
    ),
    (
        re.compile(rf"^estimated weight x (?P<factor>{NUMBER})$"),
        gettext_lazy("Khối lượng ước tính, không cân: nhân %(factor)s"),
        "multiplier",
    ),
    (
        re.compile(r"^rejected$"),
        gettext_lazy("Bị Ban Giám khảo loại: 0 điểm"),
        "points",
    ),
    (
        re.compile(r"^not reviewed yet$"),
        gettext_lazy("Chưa được chấm: 0 điểm"),
        "points",
    ),
    (
        re.compile(r"^(?P<n>\d+) events$"),
        gettext_lazy("Điểm của %(n)s sự kiện"),
        "points",
    ),
    (
        re.compile(rf"^(?P<n>\d+) areas x (?P<factor>{NUMBER})$"),
        gettext_lazy("Thưởng độ phủ: %(n)s địa bàn × %(factor)s điểm"),
        "points",
    ),
)


CENT = Decimal("0.01")


def _two(value) -> Decimal:
    """Two decimals, as points are rounded (a product of weights can carry more)."""
    return Decimal(value).quantize(CENT)


def _number(text: str) -> str:
    try:
        return formats.number_format(Decimal(text), use_l10n=True)
    except InvalidOperation:
        return text


@dataclass(frozen=True)
class BoardLine:
    label: str
    value: Decimal
    kind: str  # "points" | "multiplier"


def board_line(label: str, value: Decimal) -> BoardLine:
    """Return one breakdown line in the active language."""
    for pattern, template, kind in LINE_SHAPES:
        match = pattern.match(label)
        if match:
            numbers = {key: _number(text) for key, text in match.groupdict().items()}
            # A multiplier's value is its factor, kept exact; points to the cent.
            shown = _two(value) if kind == "points" else value
            return BoardLine(str(template) % numbers, shown, kind)
    return BoardLine(label, _two(value), "points")


@dataclass(frozen=True)
class BoardEvent:
    event_id: int
    title: str
    points: Decimal
    priority_weighted_kg: Decimal
    lines: tuple[BoardLine, ...]


@dataclass(frozen=True)
class BoardRow:
    rank: int
    category: str
    entrant: Entrant
    points: Decimal
    event_points: Decimal
    coverage_bonus: Decimal
    areas: int
    priority_weighted_kg: Decimal
    last_event_end: object  # aware datetime or None
    prize_label: str
    prize_rank: int | None
    prize_amount_vnd: int | None
    prize_amount: str
    boundary_tie: bool
    tied_with: tuple[int, ...]
    events: tuple[BoardEvent, ...]
    lines: tuple[BoardLine, ...]


def leaderboard(campaign: Campaign) -> dict[str, list[BoardRow]]:
    """Return the collective and individual tables with prizes and breakdowns."""
    standings = campaign_standings(campaign)
    titles = dict(
        CleanupEvent.objects.filter(entrant__campaign=campaign).values_list(
            "id", "title"
        )
    )
    tables: dict[str, list[BoardRow]] = {}
    for category, rows in (
        ("collective", standings.collective),
        ("individual", standings.individual),
    ):
        allocation = standings.allocation[category]
        awards = {award.entrant_id: award for award in allocation.awards}
        tied = {
            entrant_id for group in allocation.boundary_ties for entrant_id in group
        }
        table = []
        for standing in rows:
            score = standing.ranked.score
            award = awards.get(score.entrant_id)
            table.append(
                BoardRow(
                    rank=standing.ranked.rank,
                    category=category,
                    entrant=standing.entrant,
                    points=_two(score.points),
                    event_points=_two(score.event_points),
                    coverage_bonus=_two(score.coverage_bonus),
                    areas=score.areas,
                    priority_weighted_kg=_two(score.priority_weighted_kg),
                    last_event_end=score.last_event_end,
                    prize_label=award.label if award else "",
                    prize_rank=award.prize_rank if award else None,
                    prize_amount_vnd=award.amount_vnd if award else None,
                    prize_amount=format_vnd(award.amount_vnd) if award else "",
                    boundary_tie=score.entrant_id in tied,
                    tied_with=standing.ranked.tied_with,
                    events=tuple(
                        BoardEvent(
                            event_id=event.event_id,
                            title=titles.get(event.event_id, ""),
                            points=_two(event.points),
                            priority_weighted_kg=_two(event.priority_weighted_kg),
                            lines=tuple(
                                board_line(line.label, line.value)
                                for line in event.lines
                            ),
                        )
                        for event in score.events
                    ),
                    lines=tuple(
                        board_line(line.label, line.value) for line in score.lines
                    ),
                )
            )
        tables[category] = table
    return tables


@require_http_methods(["GET", "HEAD"])
def leaderboard_page(request, slug: str):
    """The collective and individual leaderboards (jury roles, before publication)."""
    refused = _jury_only(request)
    if refused is not None:
        return refused
    campaign = get_object_or_404(Campaign, slug=slug)
    tables = leaderboard(campaign)
    context = {
        "campaign": campaign,
        "tables": [
            ("collective", _("Tập thể"), tables["collective"]),
            ("individual", _("Cá nhân"), tables["individual"]),
        ],
        "review_url": reverse("events:event-review", args=[campaign.slug]),
        "contest_tz": CONTEST_TZ,
    }
    response = render(request, "events/leaderboard.html", context)
    response["Cache-Control"] = "private, no-store"  # unpublished results
    return response
