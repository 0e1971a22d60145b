"""Contest pages: the campaign, registering, "my entrant" with the person's own
data, the organisers' registration queue and exports. Thin HTML views: reads go
through selectors, writes through services (events.campaigns.services, events.privacy).

Contact data and names appear only to the entrant's representative and to
organisers, judges and the secretary (accounts.access.can_see_private); the campaign
page is public and carries none.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import (
    JURY_ROLES,
    can_see_private,
    login_required_page,
    no_store,
    roles_required,
)
from accounts.roles import Role, has_role
from config.api import page_int, page_text
from events import privacy, tables
from events.campaigns import eligibility, exports, selectors, services
from events.campaigns.registration_forms import (
    AnonymiseForm,
    ReasonForm,
    RegisterForm,
    RegistrationFilterForm,
    RejectForm,
)
from events.errors import ContestError
from events.formatting import format_vnd
from events.models import (
    Campaign,
    CleanupEvent,
    ConsentPurpose,
    Entrant,
    EntrantStatus,
    Participant,
    Phase,
    PrizeCategory,
)
from events.results.selectors import certificates_of_entrant

QUEUE_PAGE_SIZE = 50
# Where the event-logging page lives (built in events/event_views.py).
EVENT_NEW_PATH = "/contest/events/new/"
# --- campaign ----------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def campaign_current(request):
    """Go to the campaign people act in now, or say there is none yet."""
    campaign = selectors.current_campaign()
    if campaign is None:
        return render(request, "events/no_campaign.html")
    return redirect(campaign)


def _prize_groups(campaign: Campaign) -> tuple[list[dict], int]:
    groups, grand_total = [], 0
    prizes = list(campaign.prizes.all())
    for category in PrizeCategory:
        lines = [prize for prize in prizes if prize.category == category]
        if not lines:
            continue
        rows = [
            {
                "label": prize.label,
                "count": prize.count,
                "amount": format_vnd(prize.amount_vnd),
                "total": format_vnd(prize.count * prize.amount_vnd),
            }
            for prize in lines
        ]
        total = sum(prize.count * prize.amount_vnd for prize in lines)
        grand_total += total
        groups.append(
            {
                "category": category.value,
                "label": category.label,
                "rows": rows,
                "count": sum(prize.count for prize in lines),
                "total": format_vnd(total),
            }
        )
    return groups, grand_total


@require_http_methods(["GET", "HEAD"])
def campaign_page(request, slug: str):
    """Show a campaign: phase, windows, prizes, rules and the way in."""
    campaign = get_object_or_404(selectors.campaign_list(), slug=slug)
    today = timezone.localdate()
    groups, grand_total = _prize_groups(campaign)
    context = {
        "campaign": campaign,
        "phase": campaign.phase_on(today),
        "phase_label": Phase(campaign.phase_on(today)).label,
        "registration_open": campaign.registration_open_on(today),
        "registration_upcoming": today < campaign.registration_start,
        "prize_groups": groups,
        "prize_total": format_vnd(grand_total) if groups else "",
        "entrant": selectors.entrant_for_representative(
            request.user, campaign=campaign
        ),
        "can_review": can_see_private(request.user),
        "results_published": campaign.freezes.filter(
            reopened_at__isnull=True, published_at__isnull=False
        ).exists(),
    }
    return render(request, "events/campaign.html", context)


# --- registering -------------------------------------------------------------


def _my_entrant_url(campaign: Campaign) -> str:
    return reverse("events:my-entrant") + "?campaign=" + campaign.slug


@require_http_methods(["GET", "HEAD", "POST"])
@login_required_page(fallback="events:my-entrant")
def register_page(request, slug: str):
    """Register an entrant: the representative's contact, members and consents."""
    campaign = get_object_or_404(Campaign, slug=slug)
    if selectors.entrant_for_representative(request.user, campaign=campaign):
        messages.info(request, _("Bạn đã đăng ký một đội trong chiến dịch này."))
        return redirect(_my_entrant_url(campaign))
    is_open = campaign.registration_open_on(timezone.localdate())
    refusal = eligibility.account_reason(request.user, campaign)
    status = 200
    if request.method == "POST" and is_open and not refusal:
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                entrant = services.entrant_register(
                    campaign=campaign, user=request.user, **form.service_arguments()
                )
            except ContestError as exc:
                if exc.status == 403:
                    refusal = exc.message
                form.add_contest_error(exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "Đã gửi đăng ký của %(name)s. Ban Tổ chức sẽ duyệt và báo cho "
                        "bạn qua email."
                    )
                    % {"name": entrant.name},
                )
                return redirect(_my_entrant_url(campaign))
        else:
            status = 400
    else:
        user = request.user
        form = RegisterForm(
            initial={
                "full_name": user.get_full_name(),
                "email": user.email,
                "phone": user.phone,
            }
        )
        if request.method == "POST":
            status = 403 if refusal else 400
    context = {
        "campaign": campaign,
        "form": form,
        "is_open": is_open,
        "refusal": refusal,
        "notice_version": settings.ENTRANT_NOTICE_VERSION,
    }
    return render(request, "events/register.html", context, status=status)


# --- my entrant and my data --------------------------------------------------


def _entrant_for_page(pk: int) -> Entrant | None:
    participants = Participant.objects.order_by("id")
    events = CleanupEvent.objects.annotate(
        participant_count=Count("participants", distinct=True)
    ).prefetch_related(Prefetch("participants", queryset=participants))
    return (
        Entrant.objects.select_related("campaign", "contact", "decided_by")
        .prefetch_related("members", "consents", Prefetch("events", queryset=events))
        .filter(pk=pk)
        .first()
    )


def _latest_consents(entrant: Entrant) -> list[dict]:
    """Return the current answer per purpose (the last one recorded wins)."""
    latest = selectors.latest_consents(entrant)
    return [
        {"label": purpose.label, "consent": latest.get(purpose.value)}
        for purpose in ConsentPurpose
    ]


def _entrant_context(entrant: Entrant, *, own: bool) -> dict:
    return {
        "entrant": entrant,
        "own": own,
        "events": list(entrant.events.all()),
        "consents": list(entrant.consents.all()),
        "current_consents": _latest_consents(entrant),
        "event_new_path": EVENT_NEW_PATH,
    }


@require_http_methods(["GET", "HEAD"])
@login_required_page(fallback="events:my-entrant")
def my_entrant_page(request):
    """The representative's entrant: status, members, consents, events, own data."""
    campaign = None
    slug = page_text(request.GET, "campaign")
    if slug:
        campaign = get_object_or_404(Campaign, slug=slug)
    found = selectors.entrant_for_representative(request.user, campaign=campaign)
    context = {
        "campaign": campaign or (found.campaign if found else None),
        "current": selectors.current_campaign(),
        "others": Entrant.objects.filter(representative=request.user)
        .exclude(pk=found.pk if found else None)
        .select_related("campaign")
        .order_by("-registered_at"),
    }
    if found:
        context.update(_entrant_context(_entrant_for_page(found.pk), own=True))
        context["certificates"] = certificates_of_entrant(found)
    return no_store(render(request, "events/my_entrant.html", context))


@require_http_methods(["GET", "HEAD"])
@login_required_page(fallback="events:my-entrant")
def my_data(request):
    """Download everything the contest holds about the logged-in person, as JSON."""
    response = JsonResponse(
        privacy.subject_data(request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        'attachment; filename="chu-nhat-xanh-du-lieu-cua-toi.json"'
    )
    return no_store(response)


@require_POST
@login_required_page(fallback="events:my-entrant")
def my_deletion_request(request):
    """Ask the organisers to delete the personal data of the person's entrant."""
    entrant = get_object_or_404(
        Entrant.objects.select_related("campaign"),
        pk=page_int(request.POST, "entrant") or 0,
        representative=request.user,
    )
    try:
        privacy.entrant_request_deletion(entrant=entrant, user=request.user)
    except ContestError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Đã gửi yêu cầu xoá dữ liệu. Ban Tổ chức sẽ xoá họ tên và thông tin "
                "liên hệ; số liệu sự kiện được giữ ẩn danh cho kết quả cuộc thi."
            ),
        )
    return redirect(_my_entrant_url(entrant.campaign))


@require_http_methods(["GET", "HEAD"])
@login_required_page(fallback="events:campaign-current")
def entrant_page(request, pk: int):
    """One entrant for organisers, judges and the secretary (the representative
    has "my entrant")."""
    entrant = _entrant_for_page(pk)
    if entrant is None:
        raise Http404
    if entrant.representative_id == request.user.pk:
        return redirect(_my_entrant_url(entrant.campaign))
    if not can_see_private(request.user):
        raise Http404  # do not tell others whether the entrant exists
    context = _entrant_context(entrant, own=False)
    context["is_organiser"] = has_role(request.user, Role.ORGANISER)
    return no_store(render(request, "events/entrant.html", context))


# --- the organisers' registration queue ----------------------------------------


@require_http_methods(["GET", "HEAD"])
@roles_required(*JURY_ROLES, fallback="events:campaign-current")
def registrations_page(request, slug: str):
    """Registrations of a campaign (default: pending), with the organisers' actions."""
    campaign = get_object_or_404(Campaign, slug=slug)
    form = RegistrationFilterForm(request.GET or None)
    queryset = (
        selectors.entrant_list_for(request.user, campaign=campaign)
        .filter(**form.filters())
        .select_related("decided_by")
        .annotate(event_count=Count("events", distinct=True))
        .order_by("registered_at", "id")
    )
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    entrants = list(page.object_list)
    for entrant in entrants:
        entrant.current_consents = _latest_consents(entrant)
    counts = Entrant.objects.filter(campaign=campaign).aggregate(
        pending=Count("id", filter=Q(status=EntrantStatus.PENDING)),
        deletion=Count(
            "id", filter=Q(deletion_requested_at__isnull=False, anonymised_at=None)
        ),
        total=Count("id"),
    )
    context = {
        "campaign": campaign,
        "form": form,
        "page_obj": page,
        "entrants": entrants,
        "total": page.paginator.count,
        "counts": counts,
        "is_organiser": has_role(request.user, Role.ORGANISER),
        "next": request.get_full_path(),
    }
    return no_store(render(request, "events/registrations.html", context))


def _approve(request, entrant: Entrant, data: dict) -> str:
    services.entrant_approve(entrant=entrant, actor=request.user, reason=data["reason"])
    return _("Đã duyệt đăng ký của %(name)s.") % {"name": entrant.name}


def _reject(request, entrant: Entrant, data: dict) -> str:
    services.entrant_reject(entrant=entrant, actor=request.user, reason=data["reason"])
    return _("Đã từ chối đăng ký của %(name)s.") % {"name": entrant.name}


def _anonymise(request, entrant: Entrant, data: dict) -> str:
    done = privacy.entrant_anonymise(entrant=entrant, actor=request.user)
    return _("Đã ẩn danh hoá dữ liệu của đội #%(id)s.") % {"id": done.pk}


# action slug -> (form, handler returning the success message)
REGISTRATION_ACTIONS: dict[str, tuple[type, Callable[..., str]]] = {
    "approve": (ReasonForm, _approve),
    "reject": (RejectForm, _reject),
    "anonymise": (AnonymiseForm, _anonymise),
}


def _next_url(request, entrant: Entrant) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("events:registrations", args=[entrant.campaign.slug])


@require_POST
@roles_required(Role.ORGANISER, fallback="events:campaign-current")
def registration_action(request, pk: int, action: str):
    """Approve, reject or anonymise one entrant, then go back to the queue."""
    if action not in REGISTRATION_ACTIONS:
        raise Http404
    entrant = get_object_or_404(
        Entrant.objects.select_related("campaign", "contact"), pk=pk
    )
    form_class, handler = REGISTRATION_ACTIONS[action]
    form = form_class(request.POST)
    about = f"#{entrant.pk}"
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"{about}: {errors}")
        return redirect(_next_url(request, entrant))
    try:
        message = handler(request, entrant, form.cleaned_data)
    except ContestError as exc:
        messages.error(request, f"{about}: {exc.message}")
    else:
        messages.success(request, message)
    return redirect(_next_url(request, entrant))


# --- exports -----------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def export(request, slug: str, kind: str, fmt: str):
    """Download registrations or events as CSV or Excel (organisers only)."""
    # A file URL: no login page in between, a plain 403 for anyone else.
    if not has_role(request.user, Role.ORGANISER):
        raise PermissionDenied
    if kind not in exports.TABLES or fmt not in tables.FORMATS:
        raise Http404
    campaign = get_object_or_404(Campaign, slug=slug)
    content_type, write = tables.FORMATS[fmt]
    table = exports.TABLES[kind](campaign)
    response = HttpResponse(write(table), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{campaign.slug}-{kind}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)
