"""GeoReport request parameters and POST bodies: parsed and checked, or a 400."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone
from config.api import ApiError
from config.inputs import has_forbidden_characters
from geo.spatial import point_from_lonlat

from .. import services
from ..models import Category, SizeClass
from ..selectors import size_classes
from .selectors import STATUS_MAP

DEFAULT_SIZE_CLASS = "several_bags"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_IDS = 200
NAME_MAX = 99  # first_name and last_name each: both and a space fit name (200)
EMAIL_MAX = 254
PHONE_MAX = 30
DESCRIPTION_MAX = 2000  # Hotspot.description


def _invalid(field: str, message, *, status: int = 400) -> ApiError:
    return ApiError(message, code="invalid", field=field, status=status)


# --- Input ----------------------------------------------------------------------

DIGITS = re.compile(r"[0-9]{1,18}")
# An unencoded "+07:00" arrives as " 07:00" in a query string.
SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def _text(data: Mapping, name: str, *, max_length: int) -> str:
    """Return a trimmed string field ("" when absent), or raise a 400 naming it."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid(name, _("Phải là một chuỗi ký tự."))
    # PostgreSQL refuses NUL and lone surrogates: a 400 here, not a 500 there;
    # other control characters (tab and line breaks excepted) are refused too.
    if has_forbidden_characters(value):
        raise _invalid(name, _("Chứa ký tự không hợp lệ."))
    value = value.strip()
    if len(value) > max_length:
        raise _invalid(name, _("Dài quá %(max)s ký tự.") % {"max": max_length})
    return value


def _attribute(data: Mapping, name: str):
    """Return attribute[name] from a form, or from a JSON "attribute" object."""
    key = f"attribute[{name}]"
    if key in data:
        return data.get(key)
    nested = data.get("attribute")
    if isinstance(nested, Mapping):
        return nested.get(name)
    return None


def _consent(value) -> bool:
    """Return True only for an explicit yes; silence is not consent."""
    field = "attribute[contact_consent]"
    if value is None or value is False or value == "":
        return False
    if value is True:
        return True
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no"):
        return False
    raise _invalid(field, _("Phải là true hoặc false."))


@dataclass(frozen=True)
class ReportInput:
    category: str
    location: Point
    description: str
    size_class: SizeClass
    contact: services.Contact
    consent: bool
    contact_dropped: bool
    media_ignored: bool


def report_input(data, files=None) -> ReportInput:
    """Check a GeoReport POST body (form or JSON); raise a 400 naming the field."""
    if not isinstance(data, Mapping):
        raise _invalid("body", _("Nội dung phải là biểu mẫu hoặc một đối tượng JSON."))
    category = _text(data, "service_code", max_length=50)
    if not category:
        raise _invalid("service_code", _("Thiếu mã dịch vụ."))
    if category not in Category.values:
        raise _invalid(
            "service_code",
            _("Không có dịch vụ “%(code)s”; xem services.json.") % {"code": category},
        )
    description = _text(data, "description", max_length=DESCRIPTION_MAX)
    size_key = _attribute(data, "size_class")
    if size_key in (None, ""):
        size_key = DEFAULT_SIZE_CLASS
    # Matched in Python against the few rows, so client text never reaches SQL.
    sizes = {size.key: size for size in size_classes()}
    if not isinstance(size_key, str) or size_key not in sizes:
        raise _invalid(
            "attribute[size_class]",
            _("Giá trị không hợp lệ; xem services/<service_code>.json."),
        )
    consent = _consent(_attribute(data, "contact_consent"))
    first_name = _text(data, "first_name", max_length=NAME_MAX)
    last_name = _text(data, "last_name", max_length=NAME_MAX)
    email = _text(data, "email", max_length=EMAIL_MAX)
    phone = _text(data, "phone", max_length=PHONE_MAX)
    contact = services.Contact(
        name=" ".join(part for part in (first_name, last_name) if part),
        phone=phone,
        email=email,
    )
    dropped = bool(contact) and not consent
    if dropped:
        # Personal data without an explicit yes is not kept (nor its format checked).
        contact = services.Contact()
    if contact.email:
        try:
            validate_email(contact.email)
        except DjangoValidationError:
            raise _invalid("email", _("Email không hợp lệ.")) from None
    if contact.phone:
        normalized = normalize_phone(contact.phone)
        if not normalized:
            raise _invalid("phone", _("Số điện thoại không hợp lệ."))
        contact = services.Contact(
            name=contact.name, phone=normalized, email=contact.email
        )
    # media_url is never fetched: the server makes no request to a client-chosen
    # URL (SSRF), and photos reach us only through the photo pipeline.
    media_ignored = bool(data.get("media_url")) or bool(files)
    # The location last: with several bad fields, the others are named first, as
    # they always have been. geo.spatial is the one gate for coordinates.
    location = point_from_lonlat(
        data.get("long"), data.get("lat"), lon_field="long", lat_field="lat"
    )
    # api_key, device_id and account_id are ignored: no key is needed, and device
    # or account identifiers are personal data we do not need.
    return ReportInput(
        category=category,
        location=location,
        description=description,
        size_class=sizes[size_key],
        contact=contact,
        consent=consent,
        contact_dropped=dropped,
        media_ignored=media_ignored,
    )


def _csv(params, name: str, *, limit: int = MAX_IDS) -> list[str]:
    value = params.get(name) or ""
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > limit:
        raise _invalid(name, _("Tối đa %(max)s giá trị.") % {"max": limit})
    return items


def _when(params, name: str, *, end: bool = False) -> datetime | None:
    """Return an aware datetime from an ISO 8601 datetime (or date) parameter."""
    value = (params.get(name) or "").strip()
    if not value:
        return None
    value = SPACED_OFFSET.sub(r"\1+\2", value)
    try:
        day = parse_date(value)  # a bare date; parse_datetime would take it too
        moment = None if day else parse_datetime(value)
        if day is not None:
            # A bare date covers the whole (local) day: end_date is inclusive.
            moment = datetime.combine(day + timedelta(days=1) if end else day, time())
        elif moment is not None and end:
            moment += timedelta(microseconds=1)  # a datetime end_date is inclusive
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
    except (ValueError, OverflowError):
        moment = None  # 2024-13-01, 9999-12-31 + 1 day, ...
    if moment is None:
        raise _invalid(
            name,
            _("Phải là thời điểm theo ISO 8601, ví dụ 2024-06-02T07:00:00+07:00."),
        )
    return moment


def _positive(params, name: str, default: int, maximum: int) -> int:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if not DIGITS.fullmatch(value) or not 1 <= int(value) <= maximum:
        raise _invalid(
            name,
            _("Phải là số nguyên từ 1 đến %(max)s.") % {"max": maximum},
        )
    return int(value)


def request_filters(params) -> dict:
    """Return keyword filters for public_hotspot_list from GeoReport parameters."""
    if params.get("lat") is not None or params.get("long") is not None:
        # The standard's GET has no location filter and this one filters none,
        # but a client that sends a location hears that a bad one is bad (through
        # the one gate) rather than getting an answer that silently ignored it.
        point_from_lonlat(
            params.get("long"), params.get("lat"), lon_field="long", lat_field="lat"
        )
    ids = _csv(params, "service_request_id")
    if ids:
        if not all(DIGITS.fullmatch(item) for item in ids):
            raise _invalid(
                "service_request_id", _("Phải là các số, cách nhau bằng dấu phẩy.")
            )
        # The standard: with service_request_id, other filters are ignored.
        return {"ids": [int(item) for item in ids]}
    categories = _csv(params, "service_code")
    for code in categories:
        if code not in Category.values:
            raise _invalid(
                "service_code",
                _("Không có dịch vụ “%(code)s”; xem services.json.")
                % {"code": code[:50]},
            )
    statuses = _csv(params, "status")
    if any(state not in STATUS_MAP for state in statuses):
        raise _invalid("status", _("Phải là open hoặc closed."))
    start = _when(params, "start_date")
    end = _when(params, "end_date", end=True)
    if start and end and start >= end:
        raise _invalid("end_date", _("end_date phải sau start_date."))
    return {
        "categories": categories,
        "statuses": statuses,
        "start": start,
        "end": end,
    }


def paging(params) -> tuple[int, int]:
    """Return (page, page_size) from the GeoReport paging parameters."""
    page = _positive(params, "page", 1, 1_000_000)
    size = _positive(params, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    return page, size


def service_request_id(value: str) -> int | None:
    """Return the hotspot id in a request URL, or None if it cannot be one."""
    return int(value) if DIGITS.fullmatch(value) else None
