"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the hotspots.

Other tools (the Hue-S app, the IOC, city 311 dashboards) read public hotspots as
"service requests" and file new reports through the standard's form-encoded POST.
Every endpoint comes as ``.json`` and ``.xml``; the URL suffix picks the format,
whatever the Accept header says. Reads go through the selectors below, writes
through ``services.hotspot_report``; nothing here decides business rules.

Where the standard is loose we chose: newest requests first; ``page``/``page_size``
paging (default 50, at most 200) with a ``Link: rel="next"`` header; no default
90-day window (paging bounds the answer); errors always as a list of
``{code, description}`` with the HTTP status equal to the code.
"""

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from accounts.phones import normalize_phone
from config.api import ApiError, LimitedMultiPartParser, SafeJSONParser
from config.errors import ClientError
from geo.models import AdminArea
from geo.spatial import point_from_lonlat

from . import selectors, services
from .apis import ReportAnonThrottle, ReportUserThrottle
from .models import Category, Hotspot, SizeClass, Status

# --- Selectors ----------------------------------------------------------------
# Read paths of this API. They belong in selectors.py; they live here until that
# module can take them without stepping on parallel work.

# GeoReport knows two states; only public hotspots are ever listed.
STATUS_MAP = {
    "open": (Status.VERIFIED, Status.REOPENED),
    "closed": (Status.CLEANED,),
}


def public_hotspot_list(
    *,
    ids: list[int] | None = None,
    categories: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Hotspot]:
    """Return public hotspots for Open311, newest first, with photos and areas.

    `statuses` are GeoReport states ("open", "closed"); `end` is exclusive.
    Reporter and contact are never loaded.
    """
    queryset = (
        Hotspot.objects.public()
        .select_related("size_class")
        .prefetch_related(
            "photos",
            # Boundaries can be large: the names are all we need.
            Prefetch(
                "areas",
                queryset=AdminArea.objects.defer("geom").order_by("-area_km2", "id"),
            ),
        )
        .order_by("-created_at", "-id")
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    if categories:
        queryset = queryset.filter(category__in=categories)
    if statuses:
        queryset = queryset.filter(
            status__in=[s for state in statuses for s in STATUS_MAP[state]]
        )
    if start is not None:
        queryset = queryset.filter(created_at__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__lt=end)
    return queryset


def public_hotspot_get(pk: int) -> Hotspot | None:
    """Return the public hotspot with this id, or None."""
    return public_hotspot_list(ids=[pk]).first()


# --- Service catalogue ----------------------------------------------------------

CHANGESET = "2026-11-27T00:00:00+07:00"  # bump when this API's documents change
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
AGENCY = _("Ban Tổ chức Chủ nhật xanh")
DEFAULT_SIZE_CLASS = "several_bags"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_IDS = 200
NAME_MAX = 99  # first_name and last_name each: both and a space fit name (200)
EMAIL_MAX = 254
PHONE_MAX = 30
DESCRIPTION_MAX = 2000  # Hotspot.description


@dataclass(frozen=True)
class ServiceInfo:
    description: Any
    keywords: Any  # comma-separated, as the standard asks
    group: str


SERVICES = {
    Category.PLASTIC: ServiceInfo(
        _("Chai, túi ni lông, hộp xốp và rác nhựa khác dồn lại thành điểm."),
        _("nhựa, chai nhựa, túi ni lông, hộp xốp"),
        "waste",
    ),
    Category.WATER_HYACINTH: ServiceInfo(
        _("Bèo lục bình và rác mắc lại trên sông, hồ, kênh mương."),
        _("bèo, lục bình, sông, hồ, kênh"),
        "waterways",
    ),
    Category.HOUSEHOLD: ServiceInfo(
        _("Rác sinh hoạt hoặc rác hỗn hợp bị đổ bừa bãi."),
        _("rác sinh hoạt, rác hỗn hợp, bãi rác tự phát"),
        "waste",
    ),
    Category.CONSTRUCTION: ServiceInfo(
        _("Xà bần, phế thải xây dựng và đồ cồng kềnh bị bỏ lại."),
        _("xà bần, phế thải xây dựng, rác cồng kềnh"),
        "waste",
    ),
    Category.HAZARDOUS: ServiceInfo(
        _("Pin, bóng đèn, vỏ thuốc bảo vệ thực vật, dầu nhớt. Đừng tự xử lý."),
        _("pin, bóng đèn, hoá chất, dầu nhớt"),
        "hazardous",
    ),
    Category.OTHER: ServiceInfo(
        _("Điểm ô nhiễm rác không thuộc các loại trên."),
        _("khác"),
        "waste",
    ),
}


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _service(category: Category) -> dict:
    info = SERVICES.get(category, ServiceInfo("", "", "waste"))
    return {
        "service_code": category.value,
        "service_name": str(category.label),
        "description": str(info.description),
        "metadata": True,
        "type": "realtime",
        "keywords": str(info.keywords),
        "group": info.group,
    }


def _service_definition(category: Category) -> dict:
    values = [
        {"key": size.key, "name": (_english() and size.label_en) or size.label}
        for size in selectors.size_classes()
    ]
    return {
        "service_code": category.value,
        "attributes": [
            {
                "variable": True,
                "code": "size_class",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 1,
                "description": str(_("Lượng rác ước tính")),
                "values": values,
            }
        ],
    }


def _timestamp(value: datetime) -> str:
    # Local time with its offset (+07:00), as GeoReport's examples show.
    return timezone.localtime(value).isoformat(timespec="seconds")


def _request(hotspot: Hotspot, request) -> dict:
    """Return a hotspot as a GeoReport service request: public fields only."""
    photo = next(iter(hotspot.photos.all()), None)
    english = _english()
    return {
        "service_request_id": hotspot.pk,
        "status": "closed" if hotspot.status == Status.CLEANED else "open",
        "status_notes": str(hotspot.get_status_display()),
        "service_name": str(hotspot.get_category_display()),
        "service_code": hotspot.category,
        "description": hotspot.description,
        "agency_responsible": str(AGENCY),
        "service_notice": "",
        "requested_datetime": _timestamp(hotspot.created_at),
        "updated_datetime": _timestamp(hotspot.updated_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": round(hotspot.location.y, 6),
        "long": round(hotspot.location.x, 6),
        "media_url": request.build_absolute_uri(photo.image.url) if photo else "",
        "extended_attributes": {
            "category": hotspot.category,
            "size_class": hotspot.size_class.key,
            "priority": hotspot.priority,
            "score": round(hotspot.score, 2),
            "confirmation_count": hotspot.confirmation_count,
            "recurrence_count": hotspot.recurrence_count,
            "areas": [(english and a.name_en) or a.name for a in hotspot.areas.all()],
        },
    }


# --- Rendering ------------------------------------------------------------------

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# XML lists are repeated child elements named after their list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "areas": "area",
    "errors": "error",
}
# Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR,
# lone surrogates, U+FFFE/U+FFFF); stored text from other channels may hold them.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml(element, ITEM_TAGS[tag], item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = XML_INVALID.sub("", str(value))


def render(fmt: str, payload: Any, *, root: str, status: int = 200) -> HttpResponse:
    """Return the payload as GeoReport JSON, or as XML under the `root` element."""
    if fmt == "xml":
        element = ET.Element(root)
        _fill(element, root, payload)
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
        return HttpResponse(body, status=status, content_type=XML_TYPE)
    body = JSONRenderer().render(payload)
    return HttpResponse(body, status=status, content_type=JSON_TYPE)


# --- Errors ---------------------------------------------------------------------


def _described(field: str | None, message) -> str:
    return f"{field}: {message}" if field else str(message)


def _first_error(detail, prefix: str = "") -> tuple[str | None, str]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            return _first_error(value, name)
    if isinstance(detail, list) and detail:
        return _first_error(detail[0], prefix)
    field = None if prefix in ("", "non_field_errors") else prefix
    return field, str(detail)


def error_for(exc: Exception) -> tuple[int, str, dict[str, str]] | None:
    """Return (HTTP status, description, headers) for a client error, else None."""
    if isinstance(exc, ClientError):
        return exc.status, _described(exc.field, exc.message), {}
    if isinstance(exc, ApiError):
        return exc.status_code, _described(exc.field, exc.detail), {}
    if isinstance(exc, exceptions.ValidationError):
        return 400, _described(*_first_error(exc.detail)), {}
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(math.ceil(exc.wait))} if exc.wait else {}
        return 429, str(exc.detail), headers
    if isinstance(exc, exceptions.APIException):
        return exc.status_code, _first_error(exc.detail)[1], {}
    if isinstance(exc, RequestDataTooBig):
        return 413, str(_("Dữ liệu gửi lên quá lớn.")), {}
    if isinstance(exc, SuspiciousOperation):
        return 400, str(_("Yêu cầu không hợp lệ.")), {}
    if isinstance(exc, Http404):
        return 404, str(_("Không tìm thấy.")), {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, str(exceptions.PermissionDenied.default_detail), {}
    if isinstance(exc, DjangoValidationError):
        # A model check the input checks below missed: still the client's input.
        field, messages = next(iter(exc.message_dict.items()), (None, [""]))
        return 400, _described(field, messages[0]), {}
    return None


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
    # PostgreSQL refuses NUL and lone surrogates: a 400 here, not a 500 there.
    if "\x00" in value or not _encodable(value):
        raise _invalid(name, _("Chứa ký tự không hợp lệ."))
    value = value.strip()
    if len(value) > max_length:
        raise _invalid(name, _("Dài quá %(max)s ký tự.") % {"max": max_length})
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
    lon: Any
    lat: Any
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
    sizes = {size.key: size for size in selectors.size_classes()}
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
    # api_key, device_id and account_id are ignored: no key is needed, and device
    # or account identifiers are personal data we do not need.
    return ReportInput(
        category=category,
        lon=data.get("long"),
        lat=data.get("lat"),
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


# --- Views ----------------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=["json", "xml"]
)


def _language(request) -> str:
    # The locale middleware follows Accept-Language under /api/ only; this API
    # lives elsewhere (its URLs are fixed by the standard), so it asks itself.
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class Open311View(APIView):
    """GeoReport plumbing: format from the URL, language, the standard error shape."""

    parser_classes = [FormParser, SafeJSONParser, LimitedMultiPartParser]
    renderer_classes = [JSONRenderer]  # only for DRF's own OPTIONS answers

    def dispatch(self, request, *args, **kwargs):
        language = _language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    def perform_content_negotiation(self, request, force=False):
        # The suffix (.json/.xml) decides the format; an Accept header never 406s.
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    def handle_exception(self, exc):
        found = error_for(exc)
        if found is None:
            self.raise_uncaught_exception(exc)
        status, description, headers = found
        if isinstance(
            exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed
        ):
            challenge = self.get_authenticate_header(self.request)
            if challenge:
                headers = {**headers, "WWW-Authenticate": challenge}
            else:
                status = 403
        errors = [{"code": status, "description": description}]
        response = render(self.fmt, errors, root="errors", status=status)
        for name, value in headers.items():
            response[name] = value
        return response

    @property
    def fmt(self) -> str:
        return "xml" if self.kwargs.get("fmt") == "xml" else "json"


class DiscoveryApi(Open311View):
    """Describe this endpoint: specification, URL, formats, contact."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_discovery",
        summary="GeoReport v2 discovery",
        parameters=[FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, fmt: str):
        url = request.build_absolute_uri(
            reverse("open311:discovery", kwargs={"fmt": fmt})
        )
        base = url[: url.rindex("/") + 1]  # the API root, /open311/v2/
        payload = {
            "changeset": CHANGESET,
            "contact": str(
                _("Ban Tổ chức Chủ nhật xanh: %(email)s")
                % {"email": settings.DEFAULT_FROM_EMAIL}
            ),
            "key_service": str(_("Không cần khoá API; tham số api_key được bỏ qua.")),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        return render(self.fmt, payload, root="discovery")


class ServiceListApi(Open311View):
    """List the services: one per hotspot category."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_services",
        summary="GeoReport v2 service list (one per hotspot category)",
        parameters=[FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, fmt: str):
        payload = [_service(category) for category in Category]
        return render(self.fmt, payload, root="services")


class ServiceDefinitionApi(Open311View):
    """Describe a service's attributes: the size class a client may send."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_service_definition",
        summary="GeoReport v2 service definition (attribute size_class)",
        parameters=[FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, fmt: str, service_code: str):
        if service_code not in Category.values:
            raise exceptions.NotFound(
                _("Không có dịch vụ “%(code)s”.") % {"code": service_code}
            )
        payload = _service_definition(Category(service_code))
        return render(self.fmt, payload, root="service_definition")


REPORT_REQUEST = inline_serializer(
    "Open311RequestCreate",
    fields={
        "service_code": serializers.ChoiceField(choices=Category.values),
        "lat": serializers.FloatField(),
        "long": serializers.FloatField(),
        "description": serializers.CharField(required=False, max_length=2000),
        "attribute[size_class]": serializers.CharField(required=False),
        "attribute[contact_consent]": serializers.BooleanField(
            required=False, help_text="true to let us keep the contact details"
        ),
        "email": serializers.EmailField(required=False),
        "first_name": serializers.CharField(required=False),
        "last_name": serializers.CharField(required=False),
        "phone": serializers.CharField(required=False),
        "media_url": serializers.CharField(
            required=False, help_text="ignored: we never fetch client URLs"
        ),
    },
)


class RequestListCreateApi(Open311View):
    """List public hotspots as service requests, or report a new hotspot."""

    def get_throttles(self):
        if self.request.method == "POST":
            return [ReportAnonThrottle(), ReportUserThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=["open311"],
        operation_id="open311_requests_list",
        summary="GeoReport v2 service requests (public hotspots)",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("service_request_id", str, description="ids, comma"),
            OpenApiParameter("service_code", str, description="categories, comma"),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME),
            OpenApiParameter("status", str, description="open, closed (comma)"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="default 50, at most 200"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, fmt: str):
        params = request.query_params
        filters = request_filters(params)
        page = _positive(params, "page", 1, 1_000_000)
        size = _positive(params, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
        offset = (page - 1) * size
        # One row more than the page tells whether a next page exists, no COUNT.
        rows = list(public_hotspot_list(**filters)[offset : offset + size + 1])
        payload = [_request(hotspot, request) for hotspot in rows[:size]]
        response = render(self.fmt, payload, root="service_requests")
        if len(rows) > size:
            query = params.copy()
            query["page"] = str(page + 1)
            next_url = request.build_absolute_uri("?" + query.urlencode())
            response["Link"] = f'<{next_url}>; rel="next"'
        return response

    @extend_schema(
        tags=["open311"],
        operation_id="open311_requests_create",
        summary="GeoReport v2: report a hotspot (form-encoded or JSON)",
        parameters=[FORMAT_PARAMETER],
        request={
            "application/x-www-form-urlencoded": REPORT_REQUEST,
            "application/json": REPORT_REQUEST,
        },
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request, fmt: str):
        report = report_input(request.data, request.FILES)
        point = point_from_lonlat(
            report.lon, report.lat, lon_field="long", lat_field="lat"
        )
        result = services.hotspot_report(
            location=point,
            category=report.category,
            size_class=report.size_class,
            description=report.description,
            reporter=request.user,
            contact=report.contact,
            contact_consent=report.consent,
            channel="open311",
            client_uuid=None,
        )
        notices = []
        if result.reopened:
            notices.append(
                _(
                    "Điểm này đã được thu gom trước đây; báo cáo của bạn đã mở lại "
                    "điểm nóng số %(id)s."
                )
                % {"id": result.hotspot.pk}
            )
        else:
            notices.append(
                _(
                    "Cảm ơn bạn! Báo cáo sẽ hiển thị công khai sau khi Ban Tổ chức "
                    "xác minh."
                )
            )
        if report.contact_dropped:
            notices.append(
                _(
                    "Thông tin liên hệ không được lưu vì chưa có sự đồng ý "
                    "(attribute[contact_consent]=true)."
                )
            )
        if report.media_ignored:
            notices.append(
                _("Ảnh không được nhận qua Open311; hãy gửi ảnh qua ứng dụng.")
            )
        payload = [
            {
                "service_request_id": result.hotspot.pk,
                "service_notice": " ".join(str(notice) for notice in notices),
                "account_id": None,
            }
        ]
        return render(self.fmt, payload, root="service_requests", status=201)


class RequestDetailApi(Open311View):
    """Return one public hotspot as a one-element list of service requests."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_request",
        summary="GeoReport v2: one service request (a one-element list)",
        parameters=[FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, fmt: str, request_id: str):
        hotspot = None
        if DIGITS.fullmatch(request_id):
            hotspot = public_hotspot_get(int(request_id))
        if hotspot is None:
            raise exceptions.NotFound(
                _("Không tìm thấy yêu cầu %(id)s.") % {"id": request_id}
            )
        return render(self.fmt, [_request(hotspot, request)], root="service_requests")
