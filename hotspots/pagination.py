"""Keyset pages of the hotspot list API: opaque cursors, `next` links, page sizes.

A cursor is the last row's sort key (selectors.ListKey), signed with the
project's secret: it cannot be forged or edited into another position, and
anything that is not one of ours is a 400 naming `cursor`. Pages go forward
only (`previous` is always null); a client keeps the cursors it wants to
return to. A row added or rescored before the cursor does not shift the next
page (no OFFSET); a row whose score changes between two requests may be met
twice or not at all, as with any order on a value that changes. There is no
page number: `page` is refused with a 400 rather than ignored, so an old
client looping over ?page=N stops at once instead of reading page 1 for ever.
"""

import datetime as dt

from django.core import signing
from django.utils.translation import gettext_lazy as _

from config.api import ApiError, query_bool

from .selectors import ListKey

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
SIGNER = signing.Signer(salt="hotspots.list.cursor")


def cursor_for(key: ListKey) -> str:
    """Return the opaque cursor of the page that starts after `key`."""
    return SIGNER.sign_object([key.score, key.created_at.isoformat(), key.id])


def _bad_cursor() -> ApiError:
    return ApiError(
        _("cursor không hợp lệ: hãy dùng liên kết next của trang trước."),
        code="invalid_cursor",
        field="cursor",
    )


def cursor_param(params) -> ListKey | None:
    """Return the sort key a `cursor` parameter carries (None: the first page)."""
    value = params.get("cursor")
    if value in (None, ""):
        return None
    try:
        score, created_at, pk = SIGNER.unsign_object(value)
        key = ListKey(float(score), dt.datetime.fromisoformat(created_at), int(pk))
    except (signing.BadSignature, TypeError, ValueError):
        raise _bad_cursor() from None
    return key


def page_size_param(params) -> int:
    """Return `page_size` (default 100, at most 500), as DRF's page-number
    pagination read it: a value that is not a positive integer means the
    default, one above the maximum the maximum."""
    try:
        size = int(params.get("page_size", ""))
    except ValueError:
        return PAGE_SIZE
    if size <= 0:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)


def count_param(params) -> bool:
    """Return whether the client asked for the exact count (`count=true`)."""
    return bool(query_bool(params, "count"))


def refuse_page_numbers(params) -> None:
    if "page" in params:
        raise ApiError(
            _("page: không còn số trang, hãy theo liên kết next (cursor)."),
            code="unsupported",
            field="page",
        )


def next_url(request, key: ListKey | None) -> str | None:
    """Return the absolute URL of the next page: the same query with its cursor."""
    if key is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor_for(key)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
