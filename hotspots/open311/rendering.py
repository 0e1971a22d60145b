"""GeoReport JSON and XML: services, service requests, errors."""

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer

from config.api import ApiError
from config.errors import ClientError
from config.throttling import throttled_message

from ..models import DISMISSED_STATUSES, PUBLIC_STATUSES, Category, Hotspot, Status
from ..selectors import size_classes
from ..services import ReportResult
from .parsing import DESCRIPTION_MAX, MAX_IDS, MAX_PAGE_SIZE, PAGE_SIZE, ReportInput
from .selectors import STATUS_MAP

# --- Service catalogue ----------------------------------------------------------

CHANGESET = "2026-12-01T00:00:00+07:00"  # bump when this API's documents change
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
AGENCY = _("Ban Tổ chức Chủ nhật xanh")


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


def limits() -> dict:
    """Return this endpoint's limits, as the discovery document states them.

    GeoReport's discovery has no field for limits: they are an extension
    member (clients ignore members they do not know), machine-readable values
    and the same in sentences.
    """
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    anon, user = rates.get("report_anon", ""), rates.get("report_user", "")
    return {
        "post_rate_anonymous": anon,
        "post_rate_signed_in": user,
        "read_rate": None,
        "page_size_default": PAGE_SIZE,
        "page_size_max": MAX_PAGE_SIZE,
        "service_request_ids_max": MAX_IDS,
        "description_max_length": DESCRIPTION_MAX,
        "date_range_max_days": None,
        "public_fields": list(PUBLIC_FIELDS),
        "notes": [
            str(note)
            for note in (
                _(
                    "Gửi yêu cầu (POST requests): tối đa %(anon)s cho mỗi địa chỉ "
                    "IP khi không đăng nhập, %(user)s cho mỗi tài khoản; quá giới "
                    "hạn là lỗi 429 kèm Retry-After. Đọc không giới hạn tốc độ."
                )
                % {"anon": anon, "user": user},
                _(
                    "Danh sách: mới nhất trước, mỗi trang %(default)s yêu cầu "
                    "(page_size tối đa %(max)s, page từ 1); trang sau ở header "
                    'Link rel="next". service_request_id: tối đa %(ids)s mã, '
                    "cách nhau bằng dấu phẩy; khi có, các bộ lọc khác bị bỏ qua."
                )
                % {"default": PAGE_SIZE, "max": MAX_PAGE_SIZE, "ids": MAX_IDS},
                _(
                    "start_date, end_date: ISO 8601 (ví dụ "
                    "2024-06-02T07:00:00+07:00), cả hai đầu đều tính; một ngày "
                    "không giờ là cả ngày theo giờ Việt Nam; không giới hạn độ dài "
                    "khoảng thời gian và không có khoảng mặc định (không có 90 "
                    "ngày mặc định): không lọc là mọi yêu cầu công khai."
                ),
                _(
                    "Danh sách chỉ gồm điểm nóng đã xác minh (open: đã xác minh, "
                    "tái xuất hiện; closed: đã thu gom). Theo mã "
                    "(requests/{id} hoặc service_request_id), một yêu cầu vừa gửi "
                    "đọc được ngay với trạng thái open; mô tả và ảnh (media_url) "
                    "chỉ hiển thị sau khi Ban Tổ chức xác minh, vị trí đến lúc đó "
                    "làm tròn 0,001° (khoảng 100 m); yêu cầu bị từ chối hoặc trùng "
                    "là closed, không kèm vị trí."
                ),
                _(
                    "Không bao giờ công bố dữ liệu cá nhân: tên, email, số điện "
                    "thoại, tài khoản hay thiết bị của người báo cáo. Thông tin "
                    "liên hệ chỉ được lưu khi attribute[contact_consent]=true. "
                    "media_url gửi lên bị bỏ qua (máy chủ không tải URL của máy "
                    "khách); ảnh gửi qua ứng dụng."
                ),
                _(
                    "service_request_id được trả về ngay khi gửi: không dùng "
                    "token (tokens/{token} luôn trả lỗi 404)."
                ),
            )
        ],
    }


UNVERIFIED_DIGITS = 3  # decimals of an unverified request's lat/long (~100 m)
# The members of a service request anyone may read (rendering.service_request).
PUBLIC_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "extended_attributes",
)


def discovery(base: str) -> dict:
    """Return the discovery document for the API rooted at the absolute URL base."""
    return {
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
        "limits": limits(),
    }


def service(category: Category) -> dict:
    """Return a category as a GeoReport service."""
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


def service_definition(category: Category) -> dict:
    """Return a service's attributes: the size class a client may send."""
    values = [
        {"key": size.key, "name": (_english() and size.label_en) or size.label}
        for size in size_classes()
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


def service_request(hotspot: Hotspot, request) -> dict:
    """Return a hotspot as a GeoReport service request: public fields only.

    A just-filed (unverified) report is shown at once as "open", without its
    description and photo until an organiser has verified it (they are the
    reporter's words and picture). A rejected or merged report is "closed",
    with no location either: it is not a pollution site we publish.
    """
    english = _english()
    verified = hotspot.status in PUBLIC_STATUSES
    refused = hotspot.status in DISMISSED_STATUSES
    photo = next(iter(hotspot.photos.all()), None) if verified else None
    closed = hotspot.status in STATUS_MAP["closed"] or refused
    # Until verified, the location is shown to ~100 m (0.001°): enough for the
    # client that filed it, too coarse to publish an unmoderated address.
    digits = 6 if verified else UNVERIFIED_DIGITS
    extended = {
        "category": hotspot.category,
        "size_class": hotspot.size_class.key,
        "priority": hotspot.priority,
        "score": round(hotspot.score, 2),
        "confirmation_count": hotspot.confirmation_count,
        "recurrence_count": hotspot.recurrence_count,
        "areas": [(english and a.name_en) or a.name for a in hotspot.areas.all()],
    }
    if refused:
        extended = {
            "category": hotspot.category,
            "size_class": hotspot.size_class.key,
            "duplicate_of": hotspot.duplicate_of_id,
        }
    return {
        "service_request_id": hotspot.pk,
        "status": "closed" if closed else "open",
        "status_notes": str(hotspot.get_status_display()),
        "service_name": str(hotspot.get_category_display()),
        "service_code": hotspot.category,
        "description": hotspot.description if verified else "",
        "agency_responsible": str(AGENCY),
        "service_notice": _notice(hotspot),
        "requested_datetime": _timestamp(hotspot.created_at),
        "updated_datetime": _timestamp(hotspot.updated_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None if refused else round(hotspot.location.y, digits),
        "long": None if refused else round(hotspot.location.x, digits),
        "media_url": request.build_absolute_uri(photo.image.url) if photo else "",
        "extended_attributes": extended,
    }


def _notice(hotspot: Hotspot) -> str:
    if hotspot.status in (Status.REPORTED, Status.CLEANED_UNVERIFIED):
        return str(
            _(
                "Đang chờ Ban Tổ chức xác minh; mô tả và ảnh hiển thị sau khi "
                "được xác minh."
            )
        )
    if hotspot.status == Status.DUPLICATE:
        return str(_("Đã gộp vào yêu cầu %(id)s.") % {"id": hotspot.duplicate_of_id})
    if hotspot.status == Status.REJECTED:
        return str(_("Ban Tổ chức đã không chấp nhận báo cáo này."))
    return ""


def receipt(result: ReportResult, report: ReportInput) -> list[dict]:
    """Return the answer to a filed report: its id and what became of it."""
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
            _("Cảm ơn bạn! Báo cáo sẽ hiển thị công khai sau khi Ban Tổ chức xác minh.")
        )
    if report.contact_dropped:
        notices.append(
            _(
                "Thông tin liên hệ không được lưu vì chưa có sự đồng ý "
                "(attribute[contact_consent]=true)."
            )
        )
    if report.media_ignored:
        notices.append(_("Ảnh không được nhận qua Open311; hãy gửi ảnh qua ứng dụng."))
    return [
        {
            "service_request_id": result.hotspot.pk,
            "service_notice": " ".join(str(notice) for notice in notices),
            "account_id": None,
        }
    ]


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
    "public_fields": "field",
    "notes": "note",
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
        return 429, throttled_message(exc.wait), headers
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
