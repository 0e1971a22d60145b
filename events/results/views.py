"""Results pages: the results desk of the organisers, jury and secretary (freeze,
tie orders, publication, the audit of freezes), the public results page, the
results exports and the certificates (verification page, PDF, zip).

Thin views: reads from the freeze's snapshot (events.results.exports), writes
through events.results.services, whose ContestError comes back as a message. Names on
public pages only through events.results.services.public_name (consent to publish);
contact data never appears here.
"""

import io
import zipfile
from collections import defaultdict
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import (
    JURY_ROLES,
    PUBLISH_ROLES,
    RESULTS_EXPORT_ROLES,
    has_any_role,
    no_store,
    roles_required,
)
from accounts.roles import Role, has_role
from config.inputs import has_forbidden_characters
from events.errors import ContestError
from events.formatting import CONTEST_TZ, format_vnd
from events.models import Campaign, Certificate, Entrant, PrizeCategory, TieBreak
from events.results import selectors
from events.results.certificates import certificate_pdf
from events.results.explain import shown
from events.results.exports import result_rows, results_pdf, results_table, staff_names
from events.results.services import (
    CATEGORIES,
    campaign_freeze,
    campaign_reopen,
    current_freeze,
    public_name,
    results_publish,
    tie_decide,
)
from events.tables import FORMATS

RESULT_FORMATS = {**FORMATS, "pdf": ("application/pdf", None)}
REASON_MAX_LENGTH = 2000  # as config.api.ReasonSerializer


def _may_export(user) -> bool:
    return has_any_role(user, RESULTS_EXPORT_ROLES)


def _category_label(category: str) -> str:
    return str(PrizeCategory(category).label)


# --- live standings (before the freeze) ---------------------------------------


def _live_tables(campaign: Campaign) -> list[dict]:
    """Both categories ranked now (the stored standings), with the prizes they
    would get and open ties.

    The live leaderboard allocates without the jury's tie orders; the tie orders
    already recorded are applied here (the same pure scoring.allocate that the
    freeze uses), so a settled tie no longer shows as open.
    """
    prizes = selectors.prize_slots(campaign)
    orders: dict[str, list[list[int]]] = defaultdict(list)
    for tie in TieBreak.objects.filter(campaign=campaign):
        orders[tie.category].append(tie.order)
    tables = []
    for category in (PrizeCategory.COLLECTIVE, PrizeCategory.INDIVIDUAL):
        rows = selectors.rows(selectors.ranking(campaign, category))
        allocation = selectors.allocation(
            campaign, category, prizes.get(category, []), orders[category]
        )
        awards = {award.entrant_id: award for award in allocation.awards}
        tied = {i for group in allocation.boundary_ties for i in group}
        entrants = {row.entrant_id: row.entrant for row in rows}
        # Within a shared rank, the jury's order (the order of the awards) first.
        position = {a.entrant_id: i for i, a in enumerate(allocation.awards)}
        rows = sorted(
            rows, key=lambda r: (r.rank, position.get(r.entrant_id, len(position)))
        )
        tables.append(
            {
                "category": category.value,
                "label": category.label,
                "rows": [
                    {
                        "rank": row.rank,
                        "entrant": row.entrant,
                        "points": row.points,
                        "tied": bool(row.tied_with),
                        "boundary_tie": row.entrant_id in tied,
                        "award": awards.get(row.entrant_id),
                        "amount": format_vnd(awards[row.entrant_id].amount_vnd)
                        if row.entrant_id in awards
                        else "",
                    }
                    for row in rows
                ],
                "ties": [
                    [entrants[i] for i in group] for group in allocation.boundary_ties
                ],
            }
        )
    return tables


# --- the results desk -----------------------------------------------------------


def _reason(request) -> str:
    """Return the reason a form posted; NUL and control characters are refused."""
    value = request.POST.get("reason", "")
    if len(value) > REASON_MAX_LENGTH or has_forbidden_characters(value):
        raise ContestError(
            "invalid",
            _("Lý do chứa ký tự không hợp lệ hoặc dài quá %(max)s ký tự.")
            % {"max": REASON_MAX_LENGTH},
            "reason",
        )
    return value


def _freeze(request, campaign: Campaign) -> str:
    campaign_freeze(campaign=campaign, actor=request.user)
    return _("Đã chốt kết quả. Kết quả được tính từ bản chốt này.")


def _reopen(request, campaign: Campaign) -> str:
    campaign_reopen(campaign=campaign, actor=request.user, reason=_reason(request))
    return _(
        "Đã mở lại việc chấm. Kết quả đã công bố (nếu có) và giấy chứng nhận của "
        "bản chốt này bị thu hồi."
    )


def _publish(request, campaign: Campaign) -> str:
    freeze = results_publish(campaign=campaign, actor=request.user)
    count = freeze.certificates.filter(revoked_at__isnull=True).count()
    return _("Đã công bố kết quả và cấp %(n)s giấy chứng nhận.") % {"n": count}


def _tie(request, campaign: Campaign) -> str:
    category = request.POST.get("category", "")
    if category not in CATEGORIES:
        raise ContestError("category", _("Hạng mục không hợp lệ."), "category")
    values = request.POST.getlist("order")
    # Entrant ids: ASCII digits (int() also takes "١"), twelve at most.
    order = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 12]
    if len(order) != len(values):
        order = []
    if not order or len(set(order)) != len(order):
        raise ContestError(
            "order_invalid", _("Mỗi đội phải được xếp vào đúng một vị trí."), "order"
        )
    tie_decide(
        campaign=campaign,
        category=category,
        order=order,
        judge=request.user,
        reason=_reason(request),
    )
    return _("Đã ghi quyết định thứ tự của Ban Giám khảo (%(category)s).") % {
        "category": _category_label(category)
    }


# action -> handler returning the success message; each service checks the role.
ACTIONS: dict[str, Callable[..., str]] = {
    "freeze": _freeze,
    "reopen": _reopen,
    "publish": _publish,
    "tie": _tie,
}


def _audit(campaign: Campaign) -> list:
    return list(
        campaign.freezes.defer("snapshot")
        .select_related("frozen_by", "reopened_by", "published_by")
        .annotate(
            certificate_count=Count("certificates"),
            revoked_count=Count(
                "certificates", filter=Q(certificates__revoked_at__isnull=False)
            ),
        )
        .order_by("-frozen_at", "-id")
    )


def _tie_decisions(campaign: Campaign) -> list[dict]:
    names = dict(Entrant.objects.filter(campaign=campaign).values_list("pk", "name"))
    return [
        {
            "tie": tie,
            "category": _category_label(tie.category),
            "order": [names.get(i, f"#{i}") for i in tie.order],
        }
        for tie in TieBreak.objects.filter(campaign=campaign)
        .select_related("judge")
        .order_by("-at", "-id")
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@roles_required(*JURY_ROLES, fallback="events:campaign-current")
def results_manage(request, slug: str):
    """The state of a campaign's results and the actions each role may take."""
    campaign = get_object_or_404(Campaign.objects.prefetch_related("prizes"), slug=slug)
    if request.method == "POST":
        handler = ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            messages.error(request, _("Thao tác không hợp lệ."))
        else:
            try:
                messages.success(request, handler(request, campaign))
            except ContestError as exc:
                messages.error(request, exc.message)
        return redirect("events:results-manage", slug=campaign.slug)

    user = request.user
    freeze = current_freeze(campaign)
    is_organiser = has_role(user, Role.ORGANISER)
    context = {
        "campaign": campaign,
        "freeze": freeze,
        "state": "open"
        if freeze is None
        else ("published" if freeze.published_at else "frozen"),
        "is_organiser": is_organiser,
        "is_judge": has_role(user, Role.JUDGE),
        "may_publish": has_any_role(user, PUBLISH_ROLES),
        "may_export": _may_export(user),
        "audit": _audit(campaign),
        "tie_decisions": _tie_decisions(campaign),
        "contest_tz": CONTEST_TZ,
    }
    if freeze is None:
        context["live"] = _live_tables(campaign)
        context["open_ties"] = sum(len(t["ties"]) for t in context["live"])
    else:
        name = staff_names(freeze)
        context["frozen"] = [
            {
                "category": category,
                "label": _category_label(category),
                "rows": [
                    {"row": row, "amount": _amount(row.amount_vnd)}
                    for row in result_rows(freeze, category, name)
                ],
            }
            for category in CATEGORIES
        ]
        context["open_ties"] = sum(
            len(freeze.snapshot["results"][c]["boundary_ties"]) for c in CATEGORIES
        )
    return no_store(render(request, "events/results_manage.html", context))


def _amount(amount_vnd: int | None) -> str:
    return format_vnd(amount_vnd) if amount_vnd is not None else ""


# --- the public results page ----------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def results_page(request, slug: str):
    """The published results: rankings, prizes and how every score was made."""
    campaign = get_object_or_404(Campaign, slug=slug)
    freeze = current_freeze(campaign)
    if freeze is None or freeze.published_at is None:
        context = {"campaign": campaign, "published": False}
        return render(request, "events/results.html", context, status=404)
    certificates = {
        (c.category, c.entrant_id): c
        for c in freeze.certificates.filter(revoked_at__isnull=True)
    }

    def name(entrant_id: int) -> str:
        return public_name(freeze, entrant_id)

    tables = []
    for category in CATEGORIES:
        rows = [
            {
                "row": row,
                "amount": _amount(row.amount_vnd),
                "certificate": certificates.get((category, row.entrant_id)),
                "lines": [shown(line) for line in row.lines],
                "events": [
                    {
                        "event_id": event.event_id,
                        "points": event.points,
                        "lines": [shown(line) for line in event.lines],
                    }
                    for event in row.events
                ],
            }
            for row in result_rows(freeze, category, name)
        ]
        tables.append(
            {"category": category, "label": _category_label(category), "rows": rows}
        )
    context = {
        "campaign": campaign,
        "published": True,
        "freeze": freeze,
        "tables": tables,
        "contest_tz": CONTEST_TZ,
    }
    return render(request, "events/results.html", context)


# --- exports --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def results_export(request, slug: str, fmt: str):
    """Download the frozen (or published) results as CSV, Excel or PDF.

    Real names: organisers and the secretary only. A file URL: no login page in
    between, a plain 403 for anyone else.
    """
    if not _may_export(request.user):
        raise PermissionDenied
    if fmt not in RESULT_FORMATS:
        raise Http404
    campaign = get_object_or_404(Campaign, slug=slug)
    freeze = current_freeze(campaign)
    if freeze is None:
        raise Http404
    table = results_table(freeze)
    content_type, write = RESULT_FORMATS[fmt]
    body = results_pdf(freeze, table) if fmt == "pdf" else write(table)
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{campaign.slug}-ket-qua-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


# --- certificates ---------------------------------------------------------------


def _certificate(code: str) -> Certificate:
    # Codes are printed in capitals; a person may type them in lower case.
    return get_object_or_404(
        Certificate.objects.select_related("freeze__campaign", "entrant"),
        code=code.upper(),
    )


def _may_download(user, certificate: Certificate) -> bool:
    """The winner (the entrant's representative), organisers and the secretary."""
    if not user.is_authenticated:
        return False
    if certificate.entrant.representative_id == user.pk:
        return True
    return _may_export(user)


def _verify_url(request, certificate: Certificate) -> str:
    return request.build_absolute_uri(certificate.get_absolute_url())


def _file_name(certificate: Certificate) -> str:
    # slugify drops what has no ASCII form; Đ/đ is a letter of its own, not D + mark.
    name = certificate.entrant_name.replace("Đ", "D").replace("đ", "d")
    return "-".join(filter(None, [certificate.code, slugify(name)])) + ".pdf"


def _verify_context(request, certificate: Certificate) -> dict:
    return {
        "certificate": certificate,
        "campaign": certificate.freeze.campaign,
        "name": public_name(certificate.freeze, certificate.entrant_id),
        "category": _category_label(certificate.category),
        "amount": format_vnd(certificate.amount_vnd),
        "revoked": certificate.revoked_at is not None,
        "may_download": _may_download(request.user, certificate),
        "contest_tz": CONTEST_TZ,
    }


@require_http_methods(["GET", "HEAD"])
def certificate_verify(request, code: str):
    """Public: is this certificate genuine and in force, and what was awarded."""
    certificate = _certificate(code)
    response = render(
        request,
        "events/certificate_verify.html",
        _verify_context(request, certificate),
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "HEAD"])
def certificate_download(request, code: str):
    """The certificate as PDF, for its winner, organisers and the secretary."""
    certificate = _certificate(code)
    if not request.user.is_authenticated:
        # The winner downloads it after logging in (the link on "Đội của tôi").
        return redirect_to_login(request.get_full_path())
    if not _may_download(request.user, certificate):
        # A page, not an exception: Django logs a raised PermissionDenied with
        # its traceback, and a refusal here is an ordinary answer.
        return no_store(render(request, "403.html", status=403))
    if certificate.revoked_at is not None:
        context = _verify_context(request, certificate)
        return no_store(
            render(request, "events/certificate_verify.html", context, status=410)
        )
    body = certificate_pdf(certificate, verify_url=_verify_url(request, certificate))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(certificate)}"'
    )
    return no_store(response)


@require_http_methods(["GET", "HEAD"])
def certificates_zip(request, slug: str):
    """Every certificate in force of a campaign, one PDF each, in one zip."""
    if not _may_export(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, slug=slug)
    certificates = list(
        Certificate.objects.filter(freeze__campaign=campaign, revoked_at__isnull=True)
        .select_related("freeze__campaign")
        .order_by("category", "prize_rank", "id")
    )
    if not certificates:
        raise Http404
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(
                _file_name(certificate),
                certificate_pdf(
                    certificate, verify_url=_verify_url(request, certificate)
                ),
            )
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    filename = f"{campaign.slug}-giay-chung-nhan.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)
