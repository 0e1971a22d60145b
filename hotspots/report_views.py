"""The reporting page ("Báo cáo điểm nóng") and the reporter's follow page."""

import json
import uuid

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError

from config.errors import ClientError
from config.throttling import page_throttle_wait, throttled_message
from maps import basemap
from maps.assets import make_map, render_parts
from maps.layers import point_layer

from .models import Category, Hotspot, LocationSource
from .querysets import public_photos_prefetch
from .reporting import submit_report
from .selectors import DATE_FORMAT as MY_REPORTS_DATE_FORMAT
from .selectors import size_classes
from .throttles import report_throttles


def _report_config(request) -> dict:
    """What the page's script needs, passed as JSON (never spliced into JS)."""
    return {
        "center": list(settings.MAP_CENTER),
        "zoom": 13,
        **basemap.leaflet_config(),
        "apiUrl": reverse("api:hotspots-api:list"),
        "nearbyUrl": reverse("api:hotspots-api:nearby"),
        "confirmUrl": reverse("api:hotspots-api:confirm", args=[0]),
        "radiusM": settings.HOTSPOT_DUPLICATE_RADIUS_M,
        "envelope": list(settings.SERVICE_ENVELOPE),
        "lang": get_language(),
        "leafletImages": static("vendor/leaflet/images/"),
    }


@require_http_methods(["GET", "POST"])
def report_page(request):
    """Report a hotspot: the script posts to the API; without it, this view does."""
    errors: dict[str, list[str]] = {}
    wait = None
    if request.method == "POST":
        # The API's counters: a report here counts as one there.
        wait = page_throttle_wait(request, report_throttles())
    if wait is not None:
        errors = {"general": [throttled_message(wait)]}
    elif request.method == "POST":
        try:
            result = submit_report(
                data=request.POST,
                files=request.FILES.getlist("photos"),
                user=request.user,
                channel="web",
            )
        except ValidationError as exc:
            errors = {key: [str(m) for m in value] for key, value in exc.detail.items()}
        except ClientError as exc:
            errors = {exc.field or "general": [str(exc.message)]}
        else:
            return redirect("hotspots:follow", token=result.hotspot.follow_token)
    context = {
        "categories": Category.choices,
        "size_classes": size_classes(),
        "sources": LocationSource,
        "client_uuid": uuid.uuid4(),
        "config": _report_config(request),
        "errors": errors,
        "errors_json": json.dumps(errors, ensure_ascii=False),
        "form_data": request.POST if request.method == "POST" else {},
    }
    status = 429 if wait is not None else 400 if errors else 200
    response = render(request, "hotspots/report.html", context, status=status)
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


def follow_page(request, token):
    """The reporter's page for one report, reached through the secret link."""
    hotspot = get_object_or_404(
        Hotspot.objects.select_related("size_class", "duplicate_of").prefetch_related(
            public_photos_prefetch(), "areas", "history"
        ),
        follow_token=token,
    )
    fmap = make_map(location=[hotspot.location.y, hotspot.location.x], zoom_start=16)
    point_layer(hotspot.location, outline=hotspot.outline).add_to(fmap)
    response = render(
        request,
        "hotspots/follow.html",
        {
            "hotspot": hotspot,
            "history": hotspot.history.all(),
            "areas": sorted(hotspot.areas.all(), key=lambda a: -a.area_km2),
            "map": render_parts(fmap),
            "follow_url": request.build_absolute_uri(),
            # Kept on the device for "my reports" (static/js/myreports.js).
            "device": {
                "token": str(hotspot.follow_token),
                "category": str(hotspot.get_category_display()),
                "created": date_format(
                    timezone.localtime(hotspot.created_at), MY_REPORTS_DATE_FORMAT
                ),
                "lang": get_language(),
            },
        },
    )
    # The link is a secret: keep it out of search engines and Referer headers.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
