"""Forms of the organisers' campaign page (create and edit).

They check the shape of input; the contest rules (windows in order, one prize line
per category and rank) live in services.campaign_create / campaign_update and come
back as ContestError, which `add_service_error` puts beside the right field.
"""

import json

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf

from events.campaigns.serializers import _object_of_numbers
from events.campaigns.services import (
    CAMPAIGN_EDITABLE,
    CAMPAIGN_FIELDS,
    PRIZE_FIELDS,
    PrizeLine,
)
from events.errors import ContestError
from events.models import Campaign, Phase, PrizeCategory
from geo.levels import LEVEL_LABELS
from geo.selectors import area_levels

# A weights object is a handful of keys; this keeps a pasted blob from being parsed.
WEIGHTS_MAX_LENGTH = 10_000
PRIZE_LINES_MAX = 50
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label, *, required: bool = True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
    )


def _weights_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=WEIGHTS_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(
            attrs={"rows": 8, "spellcheck": "false", "class": "code"}
        ),
    )


def weights_text(value: dict) -> str:
    """Return weights as the JSON an organiser edits (Vietnamese kept readable)."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def parse_weights(text: str) -> dict | None:
    """Return the weights object typed in, or None when left empty (the defaults).

    The value check is the API's (events.campaigns.serializers), so both doors agree.
    """
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("JSON không hợp lệ ở dòng %(line)s, cột %(column)s."),
            code="invalid_json",
            params={"line": exc.lineno, "column": exc.colno},
        ) from exc
    except RecursionError as exc:
        raise ValidationError(_("JSON lồng nhau quá sâu."), code="too_deep") from exc
    return check_weights(value)


def check_weights(value) -> dict:
    """Return the weights object if it holds only finite non-negative numbers.

    The check is the API's (events.campaigns.serializers), so every door agrees.
    """
    try:
        return _object_of_numbers(value, "weights")
    except drf.ValidationError as exc:
        raise ValidationError([str(detail) for detail in exc.detail]) from exc
    except RecursionError as exc:
        raise ValidationError(_("JSON lồng nhau quá sâu."), code="too_deep") from exc


def level_choices(current: str) -> list[tuple[str, str]]:
    """Return the area levels present in geo, plus the campaign's current one."""
    levels = set(area_levels()) | {current}
    return [(level, LEVEL_LABELS.get(level, level)) for level in sorted(levels)]


class CampaignForm(forms.Form):
    """One field per services.CAMPAIGN_FIELDS, in that order (a test holds them
    equal); labels and widgets are the page's."""

    name = forms.CharField(label=_("Tên chiến dịch"), max_length=200)
    slug = forms.SlugField(
        label=_("Mã chiến dịch"),
        max_length=80,
        help_text=_(
            "Dùng trong địa chỉ trang, ví dụ chu-nhat-xanh-2026: chữ thường không "
            "dấu, số và dấu gạch ngang. Không đổi được sau khi tạo."
        ),
    )
    theme = forms.CharField(label=_("Chủ đề"), max_length=300, required=False)
    rules = forms.CharField(
        label=_("Thể lệ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Mỗi đoạn cách nhau một dòng trống."),
    )
    registration_start = _date_field(_("Mở đăng ký"))
    registration_end = _date_field(_("Đóng đăng ký"), help_text=_("Tính cả ngày này."))
    activity_start = _date_field(_("Bắt đầu cuộc thi"))
    activity_end = _date_field(_("Kết thúc cuộc thi"), help_text=_("Tính cả ngày này."))
    judging_end = _date_field(_("Kết thúc chấm giải"), required=False)
    results_date = _date_field(_("Công bố kết quả"), required=False)
    phase_override = forms.ChoiceField(
        label=_("Giai đoạn"),
        required=False,
        choices=[("", _("Tính theo ngày"))] + Phase.choices,
        help_text=_("Chỉ đặt tay khi cần dừng hoặc kéo dài một giai đoạn."),
    )
    coverage_level = forms.ChoiceField(
        label=_("Cấp địa bàn tính độ phủ"),
        help_text=_("Điểm thưởng độ phủ tính theo số địa bàn cấp này đã làm sạch."),
    )
    scoring = _weights_field(
        _("Trọng số chấm điểm (JSON)"),
        _(
            "Số không âm, có thể lồng nhóm như points_per_kg. Khoá ngoài cùng "
            "không ghi lấy giá trị mặc định; để trống cả ô: dùng bộ mặc định."
        ),
    )
    plausibility = _weights_field(
        _("Ngưỡng cảnh báo (JSON)"),
        _(
            "Các số không âm; chỉ để gắn cờ cho Ban Giám khảo, không tự loại bài. "
            "Để trống: dùng bộ mặc định."
        ),
    )

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        current = campaign.coverage_level if campaign else self._default_level()
        self.fields["coverage_level"].choices = level_choices(current)
        if campaign is not None:
            # The slug is fixed once created: a disabled field keeps its initial
            # value whatever is posted.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Không đổi được sau khi tạo.")

    def _default_level(self) -> str:
        return (
            self.initial.get("coverage_level")
            or Campaign._meta.get_field("coverage_level").get_default()
        )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        """Return the form's initial data: the campaign's current values."""
        initial = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
        initial["scoring"] = weights_text(campaign.scoring)
        initial["plausibility"] = weights_text(campaign.plausibility)
        return initial

    def clean_scoring(self) -> dict | None:
        return parse_weights(self.cleaned_data["scoring"])

    def clean_plausibility(self) -> dict | None:
        return parse_weights(self.cleaned_data["plausibility"])

    def service_arguments(self) -> dict:
        """Return the fields for campaign_create, or campaign_update (no slug)."""
        names = CAMPAIGN_FIELDS if self.campaign is None else CAMPAIGN_EDITABLE
        return {name: self.cleaned_data[name] for name in names}


class PrizeForm(forms.Form):
    """One field per services.PRIZE_FIELDS, in that order."""

    # An empty first choice: a blank extra row then posts nothing and is skipped.
    category = forms.ChoiceField(
        label=_("Hạng mục"),
        choices=[("", _("— Chọn —"))] + PrizeCategory.choices,
    )
    rank = forms.IntegerField(
        label=_("Thứ hạng"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    label = forms.CharField(label=_("Tên giải"), max_length=100)
    count = forms.IntegerField(
        label=_("Số giải"),
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    amount_vnd = forms.IntegerField(
        label=_("Trị giá mỗi giải (VND)"),
        min_value=0,
        max_value=10_000_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class BasePrizeFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Xoá dòng này")

    def clean(self) -> None:
        """Name the rows that repeat a category and rank (the service refuses them)."""
        if any(self.errors):
            return
        seen: dict[tuple, int] = {}
        for number, form in enumerate(self.forms, 1):
            if self._kept(form):
                key = (form.cleaned_data["category"], form.cleaned_data["rank"])
                if key in seen:
                    raise ValidationError(
                        _(
                            "Dòng %(row)s trùng hạng mục và thứ hạng với dòng "
                            "%(first)s."
                        ),
                        code="duplicate",
                        params={"row": number, "first": seen[key]},
                    )
                seen[key] = number

    def _kept(self, form) -> bool:
        return bool(form.cleaned_data) and not self._should_delete_form(form)

    def lines(self) -> list[PrizeLine]:
        """Return the prize lines kept (blank and deleted rows dropped)."""
        return [
            PrizeLine(**{name: form.cleaned_data[name] for name in PRIZE_FIELDS})
            for form in self.forms
            if self._kept(form)
        ]


PrizeFormSet = forms.formset_factory(
    PrizeForm,
    formset=BasePrizeFormSet,
    extra=2,
    can_delete=True,
    max_num=PRIZE_LINES_MAX,
    validate_max=True,
)
PRIZE_PREFIX = "prizes"


def prize_initial(lines) -> list[dict]:
    """Return formset initial rows from PrizeLine-shaped tuples or Prize rows."""
    rows = []
    for line in lines:
        if isinstance(line, tuple):
            rows.append(dict(zip(PRIZE_FIELDS, line, strict=True)))
        else:
            rows.append({name: getattr(line, name) for name in PRIZE_FIELDS})
    return rows


def add_service_error(form: CampaignForm, formset: BasePrizeFormSet, error) -> None:
    """Put a service error (ContestError or a model ValidationError) on the page."""
    if isinstance(error, ContestError):
        if error.field == "prizes":
            formset.non_form_errors().append(error.message)
        elif error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            form.add_error(None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(target, message)
