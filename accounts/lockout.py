"""Login lockout (django-axes): who is counted, and what a locked-out client sees.

Every login form (/accounts/login/, /admin/login/) and the API token endpoint
authenticate through django.contrib.auth with the request, so axes's backend
(first in AUTHENTICATION_BACKENDS) counts each failure by the identifier typed
and the client's address, and refuses a locked-out pair before any password is
checked. The address is the throttles' (DRF's get_ident, X-Forwarded-For trusted
per NUM_PROXIES), so the lockout and the rate limits see the same client.
"""

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

from .phones import looks_like_phone, normalize_phone

IDENTIFIER_MAX = 255  # axes's AccessAttempt.username


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address DRF's throttles use for this request."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address((ident or "").strip()))
    except ValueError:
        # A forwarded value that is no address (a misconfigured proxy): the peer.
        return request.META.get("REMOTE_ADDR")


def identifier(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the identifier typed, as IdentifierBackend reads it.

    Spellings of one account count together: an email in any case, a phone
    number in any format (0905 123 456, +84 905 123 456).
    """
    raw = (credentials or {}).get("username")
    if raw is None:
        data = getattr(request, "data", None) or request.POST
        raw = data.get("username", "")
    value = str(raw).strip()
    if "@" in value:
        value = value.lower()
    elif looks_like_phone(value):
        value = normalize_phone(value) or value
    return value[:IDENTIFIER_MAX]


def cool_off() -> dt.timedelta:
    return settings.AXES_COOLOFF_TIME


def retry_after(request, credentials) -> int:
    """Seconds until the pair's cool-off ends (the whole cool-off if unknown)."""
    from axes.models import AccessAttempt

    last = AccessAttempt.objects.filter(
        username=identifier(request, credentials), ip_address=client_ip(request)
    ).aggregate(last=Max("attempt_time"))["last"]
    left = cool_off()
    if last is not None:
        left = last + cool_off() - timezone.now()
    return max(math.ceil(left.total_seconds()), 1)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON under /api/, else a page."""
    wait = retry_after(request, credentials)
    minutes = max(math.ceil(wait / 60), 1)
    message = ngettext(
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "locked_out", "message": message, "field": None}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"message": message, "minutes": minutes},
            status=429,
        )
    response["Retry-After"] = str(wait)
    return response
