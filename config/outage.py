"""The database is down: every request gets a clear 503, never a 500 with a traceback.

A lost database surfaces as `OperationalError`/`InterfaceError` (Django's, or
psycopg2's when raised outside Django's wrapper) wherever the first query runs:
in a view, in a middleware before it (the lazy session and user), or while a
template renders. Three places catch it, because Django turns an exception into
a response inside each middleware layer (convert_exception_to_response):

- `DatabaseOutageMiddleware.process_exception`: raised by a view;
- `DatabaseOutageMiddleware.__call__` (outermost): raised in the outer layers;
- `config.views.server_error` (handler500): raised in any inner middleware.

psycopg2 files a cancelled statement (statement_timeout), a deadlock and a
serialization failure under OperationalError too: those also answer 503 with
Retry-After, which is what a client should do about them (retry later).

Each answers `outage_response`: under the machine-read prefixes a JSON 503 in
that surface's error shape, elsewhere the 503 page; always `Retry-After`; one
WARNING line in the log, no traceback at ERROR.
"""

import logging
from xml.sax.saxutils import escape

import psycopg2
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
)
# Machine-read surfaces answer JSON; every other path is a page.
JSON_PREFIXES = ("/api/", "/tiles/", "/exports/")
CODE = "database_unavailable"


def is_database_outage(exc: BaseException | None) -> bool:
    """Return whether the exception (or one it was raised from) is a lost database."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _message() -> str:
    return _(
        "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."
    )


def _json(body, status: int = 503) -> HttpResponse:
    return JsonResponse(
        body, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )


def _page(request) -> HttpResponse:
    # The page must not touch the database again: no lazy user, session or messages.
    request.user = AnonymousUser()
    context = {
        "user": request.user,
        "messages": [],
        "perms": None,
        "message": _message(),
    }
    try:
        html = render_to_string("503.html", context, request=request)
    except Exception:  # the page itself failed: a plain one, still a 503
        logger.warning("the 503 page could not be rendered", exc_info=True)
        html = (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>503</title></head><body><h1>{escape(_message())}</h1></body></html>"
        )
    return HttpResponse(html, status=503)


def outage_response(request, exc: BaseException | None = None) -> HttpResponse:
    """Return the 503 answer for `request` in its surface's error shape."""
    first_line = str(exc).strip().splitlines()[0] if exc and str(exc).strip() else ""
    logger.warning(
        "database unavailable (%s%s): 503 for %s %s",
        type(exc).__name__ if exc else "unknown",
        f": {first_line}" if first_line else "",
        request.method,
        request.path,
    )
    path = request.path_info
    message = _message()
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            body = (
                '<?xml version="1.0" encoding="utf-8"?>\n<errors><error>'
                f"<code>503</code><description>{escape(message)}</description>"
                "</error></errors>"
            )
            response = HttpResponse(
                body, status=503, content_type="text/xml; charset=utf-8"
            )
        else:
            response = _json([{"code": 503, "description": message}])
    elif path.startswith("/ogc/"):
        response = _json({"code": "ServiceUnavailable", "description": message})
    elif path.startswith(JSON_PREFIXES):
        response = _json({"error": {"code": CODE, "message": message, "field": None}})
    else:
        response = _page(request)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    # Already logged above as one WARNING: django.request must not log it again
    # at ERROR with the traceback (django.utils.log.log_response honours this).
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """Answer a lost database with `outage_response` (put it first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as exc:
            return outage_response(request, exc)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
