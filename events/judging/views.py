"""Pages of the jury: one event's review (evidence and the three decisions) and the
leaderboards.

Thin views: reads through selectors (events.cleanups.selectors, events.results.standings),
writes through the judging service (events.judging.services.event_decide), whose
ContestError comes back beside the form it concerns. The decision forms live here,
beside the only page that uses them; they check the shape of input, the service the
rules. The leaderboard's rows and breakdowns come from events.results.presenters
(stored standings, events.results.selectors).
"""

from decimal import Decimal, InvalidOperation

import folium
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import JURY_ROLES, no_store, roles_required
from accounts.roles import Role, has_role
from events.cleanups import selectors as event_selectors
from events.cleanups.flags import flags_for
from events.errors import ContestError
from events.formatting import CONTEST_TZ
from events.judging.selectors import info_requests
from events.judging.services import (
    INFO_REQUEST_ROLES,
    conflict_reason,
    event_decide,
    event_request_info,
    figures,
)
from events.models import (
    INFO_MESSAGE_MAX_LENGTH,
    Campaign,
    CleanupEvent,
    EventStatus,
    PhotoKind,
    Verdict,
    WeightMethod,
)
from events.results.presenters import PAGE_SIZE, board_rows, breakdown
from events.results.selectors import Board, prize_slots, standing_get
from hotspots.models import Hotspot
from maps.assets import make_map, render_parts
from maps.layers import hotspot_layer, point_layer
from maps.markers import PRIORITY, hotspot_markers
from maps.selectors import hotspot_rows

REASON_MAX_LENGTH = 2000
# How far down the queue to look for an event the judge may review.
NEXT_LOOKAHEAD = 200
KG_FIELDS = ("weight_kg", "plastic_kg", "water_hyacinth_kg", "other_kg")


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


class NeedsInfoForm(DecisionForm):
    # Required by the judging service (the browser asks too); checked there.
    message = forms.CharField(
        label=gettext_lazy("Nội dung cần đội bổ sung (bắt buộc)"),
        required=False,
        max_length=INFO_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )

    def service_arguments(self) -> dict:
        return {"message": self.cleaned_data.get("message") or ""}


NEEDS_INFO = "needs_info"  # the review page's fourth form, not a verdict

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
        NEEDS_INFO: NeedsInfoForm(prefix=NEEDS_INFO),
    }


def photo_pairs(event: CleanupEvent, before: list, after: list) -> list[dict]:
    """Before/after photos paired in order (a side may be missing), full size.

    The comparison view (static/js/compare.js, or ?compare=<n> without script)
    shows pair n's two images side by side.
    """
    pairs = []
    for index in range(max(len(before), len(after))):
        pair = {"index": index, "number": index + 1}
        for key, photos, word in (
            ("before", before, _("Ảnh trước")),
            ("after", after, _("Ảnh sau")),
        ):
            photo = photos[index] if index < len(photos) else None
            pair[key] = (
                {
                    "src": photo.image.url,
                    "thumb": photo.thumbnail.url,
                    "alt": _("%(word)s: %(title)s")
                    % {"word": word, "title": event.title},
                    "width": photo.width,
                    "height": photo.height,
                }
                if photo is not None
                else None
            )
        pairs.append(pair)
    return pairs


def _compare_index(request, pairs: list) -> int | None:
    try:
        index = int(request.GET.get("compare", ""))
    except ValueError:
        return None
    return index if 0 <= index < len(pairs) else None


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
@roles_required(*JURY_ROLES)
def event_review_one(request, pk: int):
    """One event with its evidence side by side; judges decide, others only look."""
    event = event_selectors.event_get(pk)
    if event is None:
        raise Http404
    is_judge = has_role(request.user, Role.JUDGE)
    conflict = conflict_reason(request.user, event.entrant) if is_judge else None
    may_ask = any(has_role(request.user, role) for role in INFO_REQUEST_ROLES)
    current = figures(event)
    decision_forms = _decision_forms(current)
    status = 200
    if request.method == "POST" and request.POST.get("verdict") == NEEDS_INFO:
        if not may_ask:
            raise PermissionDenied
        form = NeedsInfoForm(request.POST, prefix=NEEDS_INFO)
        decision_forms[NEEDS_INFO] = form
        status = 400
        if form.is_valid():
            try:
                event_request_info(
                    event=event, user=request.user, **form.service_arguments()
                )
            except ContestError as error:
                form.add_contest_error(error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Đã gửi yêu cầu bổ sung thông tin cho sự kiện “%(title)s”.")
                    % {"title": event.title},
                )
                return redirect("events:event-review-one", event.pk)
    elif request.method == "POST":
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
    before = [p for p in photos if p.kind == PhotoKind.BEFORE]
    after = [p for p in photos if p.kind == PhotoKind.AFTER]
    pairs = photo_pairs(event, before, after)
    compare = _compare_index(request, pairs)
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
        "before": before,
        "after": after,
        "pairs": pairs,
        "compare": pairs[compare] if compare is not None else None,
        "compare_config": {
            "pairs": [{"before": p["before"], "after": p["after"]} for p in pairs],
            "lang": get_language(),
        },
        "info_requests": info_requests(event),
        "can_ask": may_ask
        and conflict is None
        and event.status == EventStatus.SUBMITTED,
        "hotspots": hotspots,
        "areas": sorted(event.areas.all(), key=lambda a: -a.area_km2),
        "map": _evidence_map(event, hotspots),
        "contest_tz": CONTEST_TZ,
    }
    # Names of participants.
    return no_store(render(request, "events/review_event.html", context, status=status))


def _page_url(request, name: str, number: int) -> str:
    query = request.GET.copy()
    query[name] = str(number)
    return "?" + query.urlencode()


@require_http_methods(["GET", "HEAD"])
@roles_required(*JURY_ROLES)
def leaderboard_page(request, slug: str):
    """The collective and individual leaderboards (jury roles, before publication),
    each a page at a time (?collective_page=, ?individual_page=); an entrant's
    breakdown opens on its own page (in place, with the page's script)."""
    campaign = get_object_or_404(Campaign, slug=slug)
    prizes = prize_slots(campaign)
    tables = []
    for key, title in (("collective", _("Tập thể")), ("individual", _("Cá nhân"))):
        param = f"{key}_page"
        board = Board(campaign, key, prizes)
        page = Paginator(board, PAGE_SIZE).get_page(request.GET.get(param))
        tables.append(
            {
                "key": key,
                "title": title,
                "page": page,
                "rows": board_rows(page.object_list, board.allocations),
                "previous": _page_url(request, param, page.number - 1)
                if page.has_previous()
                else "",
                "next": _page_url(request, param, page.number + 1)
                if page.has_next()
                else "",
            }
        )
    context = {
        "campaign": campaign,
        "tables": tables,
        "review_url": reverse("events:event-review", args=[campaign.slug]),
        "contest_tz": CONTEST_TZ,
    }
    # Unpublished results.
    return no_store(render(request, "events/leaderboard.html", context))


@require_http_methods(["GET", "HEAD"])
@roles_required(*JURY_ROLES)
def leaderboard_entrant_page(request, slug: str, entrant_id: int):
    """One entrant's score breakdown (jury roles): a page of its own, or with
    ?fragment=1 only the part the leaderboard's script shows in place."""
    campaign = get_object_or_404(Campaign, slug=slug)
    standing = standing_get(campaign, entrant_id)
    if standing is None:
        raise Http404
    context = {
        "campaign": campaign,
        "breakdown": breakdown(standing),
        "board_url": reverse("events:leaderboard", args=[campaign.slug]),
    }
    template = "events/leaderboard_entrant.html"
    if request.GET.get("fragment"):
        template = "events/_score_breakdown.html"
    return no_store(render(request, template, context))
