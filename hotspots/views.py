"""Public hotspot pages and the organisers' moderation queue: thin HTML views.

Reads go through selectors, writes through services; maps.layers draws the maps
from plain data built here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import roles_required
from accounts.roles import Role, has_role
from config.errors import ClientError
from config.throttling import page_throttle_wait, throttled_message
from geo.models import AdminArea
from geo.selectors import area_list
from geo.spatial import point_from_lonlat
from maps.assets import make_map, render_parts
from maps.layers import category_colour, point_layer
from maps.markers import confirmations_text
from maps.public_map import tilemap_config
from maps.selectors import public_hotspot_total

from . import selectors, services
from .filters import HotspotListFilter
from .forms import (
    CorrectForm,
    MergeForm,
    PriorityForm,
    QueueFilterForm,
    ReasonForm,
    RejectForm,
)
from .models import (
    OPEN_STATUSES,
    Action,
    Category,
    Hotspot,
    ReporterContact,
    SizeClass,
    Status,
)
from .services import HotspotError
from .throttles import ConfirmThrottle

LIST_PAGE_SIZE = 30
# Pages past this are not offered: an OFFSET walks every row before it. The
# map (tiles), the API's cursor pages and the exports reach everything.
LIST_MAX_PAGES = 50


class CountedPaginator(Paginator):
    """A Paginator whose count is given (from the rollups), not counted by a scan."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._given_count = count

    @property
    def count(self) -> int:
        return self._given_count


QUEUE_PAGE_SIZE = 50
NEARBY_SHOWN = 10
# The level whose name a card shows and whose areas the list filters by (as home).
DISTRICT_LEVEL = "district"
SCORE_PART_LABELS = {
    "mass": gettext_lazy("Khối lượng × loại"),
    "confirmations": gettext_lazy("Xác nhận"),
    "recurrence": gettext_lazy("Tái xuất hiện"),
    "priority": gettext_lazy("Ưu tiên của Ban Tổ chức"),
}


# --- helpers ---------------------------------------------------------------


def _size_label(size_class: SizeClass) -> str:
    if (get_language() or "").startswith("en") and size_class.label_en:
        return size_class.label_en
    return size_class.label


def _place(areas: list[AdminArea]) -> AdminArea | None:
    """Return the area a card names: the district, else the smallest area."""
    districts = [area for area in areas if area.level == DISTRICT_LEVEL]
    # A district in force today before one since dissolved (stable sort).
    today = timezone.localdate()
    districts.sort(key=lambda area: not area.valid_on(today))
    if districts:
        return districts[0]
    return min(areas, key=lambda area: area.area_km2, default=None)


def _decorate(hotspots) -> list[Hotspot]:
    """Attach what the cards show (from prefetched rows: no queries)."""
    hotspots = list(hotspots)
    for hotspot in hotspots:
        photos = list(hotspot.photos.all())
        areas = sorted(hotspot.areas.all(), key=lambda a: (-a.area_km2, a.id))
        hotspot.first_photo = photos[0] if photos else None
        hotspot.photo_list = photos
        hotspot.pending_photos = sum(1 for photo in photos if photo.pending)
        hotspot.area_list = areas
        hotspot.place = _place(areas)
        hotspot.size_label = _size_label(hotspot.size_class)
        hotspot.colour = category_colour(hotspot.category)
        hotspot.confirmations_text = confirmations_text(hotspot.confirmation_count)
    return hotspots


def _legend() -> list[tuple[str, str]]:
    return [(label, category_colour(value)) for value, label in Category.choices]


# --- public pages ------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def hotspot_list_page(request):
    """List the public hotspots, highest score first, on a map and as cards."""
    # The districts in force today (geo AdminArea validity).
    areas = area_list(level=DISTRICT_LEVEL, on=timezone.localdate()).values_list(
        "id", "name"
    )
    # Only public statuses here, even for organisers and reporters (they have
    # the queue and their follow links).
    filters = HotspotListFilter(
        request.GET or None,
        queryset=selectors.hotspot_list(user=request.user).public(),
        areas=list(areas),
    )
    queryset = filters.qs
    total = public_hotspot_total(filters)
    paginator = CountedPaginator(
        queryset, LIST_PAGE_SIZE, count=min(total, LIST_PAGE_SIZE * LIST_MAX_PAGES)
    )
    page = paginator.get_page(request.GET.get("page"))
    hotspots = _decorate(page.object_list)
    # The map shows the whole filter (not only the page) from vector tiles,
    # filtered on the server by the valid parameters (maps.public_map).
    active = filters.active()
    context = {
        "form": filters.form,
        "filtered": bool(filters.active()),
        "page_obj": page,
        "hotspots": hotspots,
        "total": total,
        "pages_capped": total > paginator.count,
        "tilemap": tilemap_config({n: str(request.GET.get(n)) for n in active}),
        "legend": _legend(),
        "any_approximate": any(
            area.approximate for hotspot in hotspots for area in hotspot.area_list
        ),
    }
    return render(request, "hotspots/list.html", context)


def _anon_key(request) -> str:
    """Return the anonymous confirmer's key, from this browser's session."""
    if not request.session.session_key:
        # A saved session has a key, so the middleware sends its cookie.
        request.session.save()
    return services.anon_key_for(request.session.session_key)


def _confirm(request, hotspot: Hotspot):
    if request.POST.get("action") != "confirm":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    anon_key = "" if request.user.is_authenticated else _anon_key(request)
    before = hotspot.confirmation_count
    try:
        updated = services.hotspot_confirm(
            hotspot=hotspot, user=request.user, anon_key=anon_key
        )
    except HotspotError as exc:
        messages.error(request, exc.message)
    else:
        if updated.confirmation_count > before:
            messages.success(request, _("Cảm ơn bạn đã xác nhận điểm nóng này."))
        else:
            messages.info(request, _("Bạn đã xác nhận điểm nóng này rồi."))
    return redirect(hotspot)


def _staff_context(hotspot: Hotspot) -> dict:
    """What only organisers see on the detail page: score parts, history, reporter."""
    statuses = dict(Status.choices)
    history = [
        {
            "action": entry.get_action_display(),
            "actor": entry.actor.username if entry.actor else "",
            "from": statuses.get(entry.from_status, entry.from_status),
            "to": statuses.get(entry.to_status, entry.to_status),
            "reason": entry.reason,
            "at": entry.at,
        }
        for entry in hotspot.history.select_related("actor")
    ]
    reporter = hotspot.reporter  # one query; only organisers reach this
    return {
        "breakdown": _breakdown(hotspot),
        "history": history,
        "reporter": reporter.username if reporter else "",
        "contact": ReporterContact.objects.filter(hotspot=hotspot).first(),
        "channel": hotspot.channel,
    }


def _breakdown(hotspot: Hotspot) -> list[dict]:
    return [
        {
            "label": SCORE_PART_LABELS.get(part.key, part.key),
            "value": part.value,
            "explanation": _page_explanation(part, hotspot),
        }
        for part in selectors.hotspot_score_breakdown(hotspot)
    ]


def _page_explanation(part, hotspot: Hotspot) -> str:
    """Return a score part's formula with its words in the page's language.

    The API keeps the scoring's own data (codes, English words); the page shows
    the category's label, not its code.
    """
    if part.key == "mass":
        return part.explanation.replace(
            f"({hotspot.category})", f"({hotspot.get_category_display()})"
        )
    if part.key == "confirmations":
        return part.explanation.replace("(cap ", "(" + _("tối đa") + " ")
    if part.key == "priority":
        if hotspot.priority:
            return _("cờ ưu tiên của Ban Tổ chức")
        return _("không có cờ ưu tiên")
    return part.explanation


@require_http_methods(["GET", "HEAD", "POST"])
def hotspot_detail_page(request, pk: int):
    """Show one hotspot; POST action=confirm adds "I see it too"."""
    hotspot = selectors.hotspot_get_for_user(pk=pk, user=request.user)
    if hotspot is None:
        raise Http404
    wait = None
    if request.method == "POST":
        # The API's counter: a confirmation here counts as one there.
        wait = page_throttle_wait(request, [ConfirmThrottle()])
        if wait is None:
            return _confirm(request, hotspot)
        messages.error(request, throttled_message(wait))
    (hotspot,) = _decorate([hotspot])
    fmap = make_map(location=[hotspot.location.y, hotspot.location.x], zoom_start=16)
    point_layer(hotspot.location, outline=hotspot.outline).add_to(fmap)
    is_organiser = has_role(request.user, Role.ORGANISER)
    own = request.user.is_authenticated and hotspot.reporter_id == request.user.pk
    context = {
        "hotspot": hotspot,
        "map": render_parts(fmap),
        "can_confirm": hotspot.status in OPEN_STATUSES and not own,
        "own": own,
        "any_approximate": any(area.approximate for area in hotspot.area_list),
        "staff": _staff_context(hotspot) if is_organiser else None,
    }
    if wait is None:
        return render(request, "hotspots/detail.html", context)
    response = render(request, "hotspots/detail.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


# --- the organisers' queue ---------------------------------------------------


@dataclass
class QueueItem:
    hotspot: Hotspot
    breakdown: list[dict]
    nearby: list[Hotspot] = field(default_factory=list)
    # The cleanup event that claimed it before anyone verified it (flagged).
    claimed_by_event: int | None = None


def _claiming_event(hotspot: Hotspot) -> int | None:
    """Return the event whose claim made the hotspot "cleaned_unverified".

    From the prefetched history (selectors._with_relations, organisers): no query.
    """
    if hotspot.status != Status.CLEANED_UNVERIFIED:
        return None
    cleans = [line for line in hotspot.history.all() if line.action == Action.CLEAN]
    if not cleans:
        return None
    return (cleans[-1].details or {}).get("event")


@require_http_methods(["GET", "HEAD"])
@roles_required(Role.ORGANISER, fallback="hotspots:queue")
def queue_page(request):
    """List the hotspots waiting for organisers, highest score first, with actions."""
    form = QueueFilterForm(request.GET or None)
    statuses = form.statuses()
    queryset = selectors.hotspot_list(user=request.user)
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    radius_m = settings.HOTSPOT_DUPLICATE_RADIUS_M
    items = []
    for hotspot in _decorate(page.object_list):
        # One indexed near() query per row, on a page of at most QUEUE_PAGE_SIZE.
        nearby = list(
            Hotspot.objects.open()
            .exclude(pk=hotspot.pk)
            .near(hotspot.location, radius_m)[:NEARBY_SHOWN]
        )
        items.append(
            QueueItem(hotspot, _breakdown(hotspot), nearby, _claiming_event(hotspot))
        )
    context = {
        "form": form,
        "page_obj": page,
        "items": items,
        "total": page.paginator.count,
        "categories": Category.choices,
        "size_classes": selectors.size_classes(),
        "radius_m": int(radius_m),
        "next": request.get_full_path(),
    }
    return render(request, "hotspots/queue.html", context)


def _verify(request, hotspot: Hotspot, data: dict) -> str:
    services.hotspot_verify(hotspot=hotspot, actor=request.user, reason=data["reason"])
    return _("Đã xác minh điểm nóng #%(id)s.") % {"id": hotspot.pk}


def _reject(request, hotspot: Hotspot, data: dict) -> str:
    services.hotspot_reject(hotspot=hotspot, actor=request.user, reason=data["reason"])
    return _("Đã từ chối điểm nóng #%(id)s.") % {"id": hotspot.pk}


def _photos_approve(request, hotspot: Hotspot, data: dict) -> str:
    n = services.hotspot_review_photos(
        hotspot=hotspot, actor=request.user, approve=True
    )
    return _("Đã công khai %(n)s ảnh mới của điểm nóng #%(id)s.") % {
        "n": n,
        "id": hotspot.pk,
    }


def _photos_reject(request, hotspot: Hotspot, data: dict) -> str:
    n = services.hotspot_review_photos(
        hotspot=hotspot, actor=request.user, approve=False
    )
    return _("Đã bỏ %(n)s ảnh mới của điểm nóng #%(id)s.") % {"n": n, "id": hotspot.pk}


def _merge(request, hotspot: Hotspot, data: dict) -> str:
    into = selectors.hotspot_get_for_user(pk=data["target"], user=request.user)
    if into is None:
        raise HotspotError(
            "not_found", _("Không tìm thấy điểm nóng để gộp vào."), "into"
        )
    services.hotspot_merge(
        duplicate=hotspot, into=into, actor=request.user, reason=data["reason"]
    )
    return _("Đã gộp điểm nóng #%(id)s vào #%(into)s.") % {
        "id": hotspot.pk,
        "into": into.pk,
    }


def _priority(request, hotspot: Hotspot, data: dict) -> str:
    services.hotspot_set_priority(
        hotspot=hotspot,
        actor=request.user,
        priority=data["priority"],
        reason=data["reason"],
    )
    if data["priority"]:
        return _("Đã đặt ưu tiên cho điểm nóng #%(id)s.") % {"id": hotspot.pk}
    return _("Đã bỏ ưu tiên cho điểm nóng #%(id)s.") % {"id": hotspot.pk}


def _correct(request, hotspot: Hotspot, data: dict) -> str:
    location = None
    if data["lon"] or data["lat"]:
        location = point_from_lonlat(data["lon"], data["lat"])  # ClientError if bad
    corrected = services.hotspot_correct(
        hotspot=hotspot,
        actor=request.user,
        category=data["category"] or None,
        size_class=data["size_class"],
        location=location,
        reason=data["reason"],
    )
    if corrected.updated_at == hotspot.updated_at:
        return _("Không có gì thay đổi ở điểm nóng #%(id)s.") % {"id": hotspot.pk}
    return _("Đã sửa thông tin điểm nóng #%(id)s.") % {"id": hotspot.pk}


# action slug -> (form, handler returning the success message)
QUEUE_ACTIONS: dict[str, tuple[type, Callable[..., str]]] = {
    "verify": (ReasonForm, _verify),
    "reject": (RejectForm, _reject),
    "merge": (MergeForm, _merge),
    "priority": (PriorityForm, _priority),
    "correct": (CorrectForm, _correct),
    "photos-approve": (ReasonForm, _photos_approve),
    "photos-reject": (ReasonForm, _photos_reject),
}


def _about(hotspot: Hotspot, message) -> str:
    """Prefix a message with the hotspot's number (the queue lists many)."""
    pk = hotspot.pk
    return f"#{pk}: {message}"


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("hotspots:queue")


@require_POST
@roles_required(Role.ORGANISER, fallback="hotspots:queue")
def queue_action(request, pk: int, action: str):
    """Run one organiser action on a hotspot, then go back to the queue."""
    if action not in QUEUE_ACTIONS:
        raise Http404
    hotspot = selectors.hotspot_get_for_user(pk=pk, user=request.user)
    if hotspot is None:
        raise Http404
    form_class, handler = QUEUE_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _about(hotspot, errors))
        return redirect(_next_url(request))
    try:
        message = handler(request, hotspot, form.cleaned_data)
    except ClientError as exc:
        messages.error(request, _about(hotspot, exc.message))
    else:
        messages.success(request, message)
    return redirect(_next_url(request))
