"""The "my reports" page (Báo cáo của tôi): a resident's reports, and the status behind a follow link.

Signed-in residents see the reports they made (and those they confirmed) from the
server; anyone sees the follow links kept on this device (static/js/myreports.js,
saved by the follow page), each asking `follow_status` for its current state.
"""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import no_store
from config.api import page_int

from .selectors import (
    MY_REPORTS_PAGE_SIZE,
    follow_summary,
    hotspot_confirmed_by,
    hotspot_get_by_follow_token,
    hotspot_reports_of,
)

# A token no report has: the script puts each follow link's token in its place.
TOKEN_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


@require_http_methods(["GET", "HEAD"])
def my_reports_page(request):
    """The signed-in resident's reports; for everyone, those kept on this device."""
    context = {
        "config": {
            "lang": get_language(),
            "statusUrl": reverse("hotspots:follow-status", args=[TOKEN_PLACEHOLDER]),
            "followUrl": reverse("hotspots:follow", args=[TOKEN_PLACEHOLDER]),
            "placeholder": TOKEN_PLACEHOLDER,
        },
    }
    if request.user.is_authenticated:
        pages = Paginator(hotspot_reports_of(request.user), MY_REPORTS_PAGE_SIZE)
        page = pages.get_page(page_int(request.GET, "page") or 1)
        context.update(
            page=page,
            reports=[
                {
                    "hotspot": hotspot,
                    "summary": follow_summary(hotspot),
                    "follow_url": request.build_absolute_uri(
                        reverse("hotspots:follow", args=[hotspot.follow_token])
                    ),
                }
                for hotspot in page.object_list
            ],
            confirmed=hotspot_confirmed_by(request.user),
        )
    response = no_store(render(request, "hotspots/mine.html", context))
    # The page holds follow links (secrets): no Referer to other sites.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "HEAD"])
def follow_status(request, token):
    """The public-safe status of the report behind a follow link, as JSON."""
    hotspot = hotspot_get_by_follow_token(token)
    if hotspot is None:
        # The API's one error shape (config.api.exception_handler).
        body = {
            "error": {
                "code": "not_found",
                "message": str(_("Không tìm thấy báo cáo.")),
                "field": None,
            }
        }
        response = JsonResponse(body, status=404)
    else:
        response = JsonResponse(
            follow_summary(hotspot), json_dumps_params={"ensure_ascii": False}
        )
    no_store(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
