"""API plumbing shared by every app: one error shape, a JSON parser that cannot 500."""

import datetime as dt
import json
import math
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser, MultiPartParser

from .authentication import NOT_AUTHENTICATED
from .errors import ClientError
from .throttling import throttled_message

MAX_JSON_DEPTH = 64


class ReasonSerializer(serializers.Serializer):
    """An optional free-text reason, as organisers and the jury give for a step."""

    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class SafeJSONParser(JSONParser):
    """Parse JSON, turning deep nesting and malformed input into a 400 (never a 500).

    Python's json raises RecursionError on deeply nested arrays, which DRF's
    parser does not catch; we reject anything nested deeper than MAX_JSON_DEPTH.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(
                _("Nội dung không phải văn bản UTF-8.")
            ) from exc
        if _depth_exceeds(text, MAX_JSON_DEPTH):
            raise exceptions.ParseError(_("JSON lồng nhau quá sâu."))
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(_("JSON không hợp lệ.")) from exc


class LimitedMultiPartParser(MultiPartParser):
    """Multipart (photo uploads) with a cap on the whole request, checked up front."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Photos are capped by the pipeline; allow some room for the form fields.
        if (
            length
            > settings.PHOTO_MAX_REQUEST_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ):
            raise too_large()
        return super().parse(stream, media_type, parser_context)


def too_large() -> "ApiError":
    return ApiError(_("Dữ liệu gửi lên quá lớn."), code="request_too_large", status=413)


def _reject_constant(name: str):
    # NaN, Infinity and -Infinity are not JSON; Python accepts them by default.
    raise ValueError(f"non-standard JSON constant {name}")


def _depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class ApiError(exceptions.APIException):
    """A client error with a stable machine code and, where relevant, the field at fault."""

    status_code = 400

    def __init__(self, message, *, code: str, field: str | None = None, status=400):
        super().__init__(detail=message, code=code)
        self.status_code = status
        self.field = field
        self.machine_code = code


def exception_handler(exc, context):
    """Render every API error as {"error": {"code", "message", "field", "fields"}}."""
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES, which names
    # this module, so importing it at the top fails when this module loads first
    # (the query parsers are imported by filters and pages, not only by APIs).
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ClientError):
        exc = ApiError(exc.message, code=exc.code, field=exc.field, status=exc.status)
    elif isinstance(exc, RequestDataTooBig):
        exc = too_large()
    elif isinstance(exc, SuspiciousOperation):
        exc = ApiError(_("Yêu cầu không hợp lệ."), code="bad_request")
    elif isinstance(exc, DjangoValidationError):
        # A model's full_clean() a service ran: still the client's input.
        exc = exceptions.ValidationError(detail=_django_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    error = {"code": None, "message": None, "field": None}
    if isinstance(exc, ApiError):
        error.update(code=exc.machine_code, message=str(exc.detail), field=exc.field)
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first_field, first_messages = next(iter(fields.items()), (None, [""]))
        codes = exc.get_codes()
        error.update(
            code=_first_code(codes) or "invalid",
            message=first_messages[0],
            field=None if first_field == "non_field_errors" else first_field,
            fields=fields,
        )
    elif isinstance(exc, exceptions.NotAuthenticated):
        error.update(code=exc.default_code, message=str(NOT_AUTHENTICATED))
    elif isinstance(exc, exceptions.Throttled):
        error.update(code=exc.default_code, message=throttled_message(exc.wait))
    else:
        error.update(code=exc.default_code, message=str(exc.detail))
        if isinstance(exc.detail, dict):
            error["message"] = str(exc.detail.get("detail", exc.default_detail))
    response.data = {"error": error}
    return response


def _django_detail(exc: DjangoValidationError):
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    return {
        "non_field_errors" if name == NON_FIELD_ERRORS else name: messages
        for name, messages in exc.message_dict.items()
    }


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if prefix and (isinstance(key, int) or str(key).isdigit()):
                name = f"{prefix}[{key}]"  # DRF reports list items by index
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def _first_code(codes):
    if isinstance(codes, dict):
        for value in codes.values():
            found = _first_code(value)
            if found:
                return found
        return None
    if isinstance(codes, list):
        for value in codes:
            found = _first_code(value)
            if found:
                return found
        return None
    return codes


# --- query parameters: one parser each, a 400 naming the parameter -------------


def query_choice(params, name: str, choices, *, blank_is_absent=True) -> str | None:
    """Return the parameter if it is one of `choices`, None if absent (or blank,
    unless `blank_is_absent` is False: then a blank value is a 400 too)."""
    value = params.get(name)
    if value is None or (value == "" and blank_is_absent):
        return None
    if value not in choices:
        raise ApiError(
            _("Giá trị “%(value)s” không hợp lệ cho %(field)s.")
            % {"value": value[:50], "field": name},
            code="invalid_choice",
            field=name,
        )
    return value


# C0 and C1 control characters, NUL among them (config.schema documents the rule).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
TEXT_MAX_LENGTH = 200


def query_text(params, name: str, max_length: int = TEXT_MAX_LENGTH) -> str | None:
    """Return a free-text parameter (a slug, a level), None if absent.

    A NUL byte (which PostgreSQL cannot store and psycopg2 refuses with an
    exception), another control character or an overlong value is a 400 naming
    the parameter, before the value reaches a query.
    """
    value = params.get(name)
    if value in (None, ""):
        return None
    if len(value) > max_length or CONTROL_CHARACTERS.search(value):
        raise ApiError(
            _("%(field)s chứa ký tự không hợp lệ hoặc quá dài.") % {"field": name},
            code="invalid",
            field=name,
        )
    return value


def query_bool(params, name: str) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ApiError(
        _("%(field)s phải là true hoặc false.") % {"field": name},
        code="invalid",
        field=name,
    )


# --- numbers: one grammar for every number a client writes as text ---------------

# float(), int() and Decimal() also take " 107 ", "1_07", "١٠٧" (Arabic-Indic
# digits), "nan", "inf" and thousands of digits (OverflowError, slow int()).
# A number a client writes (a query parameter, a form field, a coordinate) is
# ASCII: an optional sign, digits with an optional fraction, an optional
# exponent; no leading zero ("0107.5": JSON has none either), no surrounding
# space; NUMBER_MAX_LENGTH characters at most.
NUMBER = re.compile(
    r"[+-]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII
)
NUMBER_MAX_LENGTH = 32


# Spelled-out non-finite values: not numbers here, but named as non-finite.
NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.ASCII | re.IGNORECASE)


class NotFinite(ValueError):
    """A number that is NaN or infinite (spelled so, or beyond a float's range)."""


def _number_text(value) -> str:
    if not isinstance(value, str) or len(value) > NUMBER_MAX_LENGTH:
        raise ValueError("not a number")
    if not NUMBER.fullmatch(value):
        raise ValueError("not a number")
    return value


def ascii_float(value) -> float:
    """Return the finite float a number in the one grammar spells.

    Raise ValueError for anything else: padding, non-ASCII digits, an overlong
    text; NotFinite (a ValueError) for NaN, Infinity or beyond a float's range.
    """
    if isinstance(value, str) and NON_FINITE.fullmatch(value):
        raise NotFinite(value)
    number = float(_number_text(value))
    if not math.isfinite(number):
        raise NotFinite(value)  # 1e999
    return number


def ascii_decimal(value) -> Decimal:
    """Return the finite Decimal a number in the one grammar spells, else ValueError."""
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite() or abs(number.adjusted()) > NUMBER_MAX_LENGTH:
        raise ValueError("not finite")  # 1e999999999 is finite but useless
    return number


QUERY_INT_MAX = 10**12 - 1  # query_int takes twelve digits at most


def query_int(params, name: str) -> int | None:
    """Return a positive integer parameter (ASCII digits only: int("²") raises)."""
    value = params.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise ApiError(
            _("%(field)s phải là một số nguyên dương.") % {"field": name},
            code="invalid",
            field=name,
        )
    return int(value)


def query_date(params, name: str, *, blank_is_absent=True) -> dt.date | None:
    """Return an ISO 8601 date parameter (a datetime is cut to its date), None
    if absent (or blank, unless `blank_is_absent` is False: then a 400)."""
    value = params.get(name)
    if value is None or (value == "" and blank_is_absent):
        return None
    parsed = None
    # ASCII only: parse_date's regex (\d) also reads "٢٠٢٤-٠٦-٠٢".
    if value.isascii() and len(value) <= 40:
        try:
            parsed = parse_date(value) or parse_datetime(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise ApiError(
            _("%(field)s phải là ngày theo ISO 8601, ví dụ 2024-06-02.")
            % {"field": name},
            code="invalid_date",
            field=name,
        )
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


# --- the same parsers for a page: a bad value is Django's 400 page ------------


def page_text(params, name: str, max_length: int = TEXT_MAX_LENGTH) -> str | None:
    """Return query_text's answer; a bad value is a 400 page (BadRequest)."""
    try:
        return query_text(params, name, max_length)
    except ApiError as exc:
        raise BadRequest(str(exc.detail)) from None


def page_int(params, name: str) -> int | None:
    """Return query_int's answer; a bad value is a 400 page (BadRequest)."""
    try:
        return query_int(params, name)
    except ApiError as exc:
        raise BadRequest(str(exc.detail)) from None
