"""Rules every text and number field of every form and serializer obeys.

A client's text never holds a NUL byte (psycopg2 raises on it: a 500), another
control character (tab, line feed and carriage return excepted: multi-line
text has them) or a lone surrogate (PostgreSQL cannot encode it). A number a
client writes as text follows the one grammar (config.api.NUMBER: ASCII digits,
no padding, bounded length), whatever field reads it. A JSON value sent as a
form or multipart field is parsed as a JSON body is (config.api.SafeJSONParser):
nesting deeper than MAX_JSON_DEPTH and NaN/Infinity are refused.

`install()` (called once, from geo's AppConfig.ready) applies both rules to the
base classes of Django's and DRF's text and number fields, so that every field
obeys them, including those a ModelForm, the admin or a ModelSerializer builds
and those of other packages (django.contrib.auth's forms). The methods are
wrapped at class level, so fields built before `install()` ran (form classes
imported early) obey them too. A refused value is the field's own validation
error: a 400 naming the field in the API, an error beside it on a page.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf_fields
from rest_framework import serializers

from .api import MAX_JSON_DEPTH, NUMBER, NUMBER_MAX_LENGTH, _depth_exceeds

# C0 controls but \t \n \r, DEL, C1 controls and lone surrogates.
FORBIDDEN_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MESSAGE = _("Chứa ký tự điều khiển hoặc ký tự không hợp lệ.")
DEPTH_MESSAGE = _("JSON lồng nhau quá sâu.")
NUMBER_MESSAGE = _("Phải là một số viết bằng chữ số ASCII, không có khoảng trắng.")


def has_forbidden_characters(value: str) -> bool:
    """Return True when the text holds a character no field accepts."""
    return bool(FORBIDDEN_IN_TEXT.search(value))


def is_number_text(value: str) -> bool:
    """Return True when the text is a number in the one grammar."""
    return len(value) <= NUMBER_MAX_LENGTH and bool(NUMBER.fullmatch(value))


def _form_text(original):
    def to_python(self, value):
        value = original(self, value)
        if isinstance(value, str) and has_forbidden_characters(value):
            raise ValidationError(CONTROL_MESSAGE, code="control_character")
        return value

    to_python.wrapped = original
    return to_python


def _form_number(original):
    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values:
            text = formats.sanitize_separators(value) if self.localize else value
            if not is_number_text(str(text)):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return original(self, value)

    to_python.wrapped = original
    return to_python


def _api_text(original):
    def to_internal_value(self, data):
        value = original(self, data)
        if isinstance(value, str) and has_forbidden_characters(value):
            raise serializers.ValidationError(CONTROL_MESSAGE, code="control_character")
        return value

    to_internal_value.wrapped = original
    return to_internal_value


def _api_number(original):
    def to_internal_value(self, data):
        if isinstance(data, str) and not is_number_text(data):
            raise serializers.ValidationError(NUMBER_MESSAGE, code="invalid")
        return original(self, data)

    to_internal_value.wrapped = original
    return to_internal_value


def _api_json(original):
    def to_internal_value(self, data):
        # A JSON body is parsed (depth-checked, no NaN) by config.api.SafeJSONParser;
        # a form or multipart field's JSON text is parsed here, by the same rules,
        # before json.loads could raise RecursionError (a 500).
        if not (self.binary or getattr(data, "is_json_string", False)):
            value = original(self, data)
            if _json_has_forbidden_text(value):
                raise serializers.ValidationError(
                    CONTROL_MESSAGE, code="control_character"
                )
            return value
        if isinstance(data, bytes):
            try:
                data = data.decode()
            except UnicodeDecodeError:
                self.fail("invalid")
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise serializers.ValidationError(DEPTH_MESSAGE, code="too_deep")
        try:
            value = json.loads(data, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            self.fail("invalid")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not is_number_text(data):  # " 107.5" and 400 digits, as elsewhere
                raise serializers.ValidationError(NUMBER_MESSAGE, code="invalid")
        if _json_has_forbidden_text(value):
            raise serializers.ValidationError(CONTROL_MESSAGE, code="control_character")
        return value

    to_internal_value.wrapped = original
    return to_internal_value


def _form_json(original):
    def to_python(self, value):
        if isinstance(value, str) and _depth_exceeds(value, MAX_JSON_DEPTH):
            raise ValidationError(DEPTH_MESSAGE, code="too_deep")
        value = original(self, value)
        if _json_has_forbidden_text(value):
            raise ValidationError(CONTROL_MESSAGE, code="control_character")
        return value

    to_python.wrapped = original
    return to_python


def _json_has_forbidden_text(value, depth: int = 0) -> bool:
    """Return True when a string (or a key) in parsed JSON holds a forbidden
    character: PostgreSQL's jsonb refuses \u0000 (a 500)."""
    if depth > MAX_JSON_DEPTH:
        return True  # parsed elsewhere than by our parsers: refuse, never recurse
    if isinstance(value, str):
        return has_forbidden_characters(value)
    if isinstance(value, dict):
        return any(
            has_forbidden_characters(str(key))
            or _json_has_forbidden_text(item, depth + 1)
            for key, item in value.items()
        )
    if isinstance(value, (list, tuple)):
        return any(_json_has_forbidden_text(item, depth + 1) for item in value)
    return False


def _reject_constant(name: str):
    raise ValueError(name)  # NaN, Infinity: not JSON


def _wrap(cls, name: str, wrapper) -> None:
    method = cls.__dict__[name]
    if not hasattr(method, "wrapped"):  # install() is idempotent
        setattr(cls, name, wrapper(method))


def install() -> None:
    """Apply the text and number rules to every Django and DRF field class."""
    _wrap(forms.CharField, "to_python", _form_text)
    for cls in (forms.IntegerField, forms.FloatField, forms.DecimalField):
        _wrap(cls, "to_python", _form_number)
    _wrap(drf_fields.CharField, "to_internal_value", _api_text)
    for cls in (drf_fields.IntegerField, drf_fields.FloatField):
        _wrap(cls, "to_internal_value", _api_number)
    _wrap(drf_fields.DecimalField, "to_internal_value", _api_number)
    _wrap(drf_fields.JSONField, "to_internal_value", _api_json)
    _wrap(forms.JSONField, "to_python", _form_json)
