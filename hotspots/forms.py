"""Small forms for the hotspot pages: the organisers' queue filter and actions.

They check the shape of the input only; the lifecycle rules live in services.
The public list's filters are hotspots.filters.HotspotListFilter.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ATTENTION_STATUSES, Category, SizeClass, Status

REASON_MAX_LENGTH = 2000
QUEUE_ALL = "all"


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Cần xử lý (mới báo cáo, thu gom chờ xác minh, tái xuất hiện)")),
            (QUEUE_ALL, _("Tất cả")),
        ]
        + Status.choices,
    )

    def statuses(self) -> tuple[str, ...] | None:
        """Return the statuses to list (None: all); an invalid value means the default."""
        value = ""
        if self.is_bound and self.is_valid():
            value = self.cleaned_data["status"]
        if value == QUEUE_ALL:
            return None
        if value:
            return (value,)
        return ATTENTION_STATUSES


def _reason(required: bool = False, message=None) -> forms.CharField:
    return forms.CharField(
        label=_("Lý do"),
        required=required,
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": message} if message else None,
    )


class ReasonForm(forms.Form):
    """Verify: the reason is optional."""

    reason = _reason()


class RejectForm(forms.Form):
    reason = _reason(required=True, message=_("Cần ghi lý do từ chối."))


class MergeForm(forms.Form):
    """Merge into a nearby candidate (select) or any hotspot by number."""

    into = forms.IntegerField(
        label=_("Gộp vào điểm gần đó"), required=False, min_value=1
    )
    into_id = forms.IntegerField(
        label=_("hoặc nhập mã điểm nóng"), required=False, min_value=1
    )
    reason = _reason()

    def clean(self):
        data = super().clean()
        chosen = {v for v in (data.get("into"), data.get("into_id")) if v is not None}
        if "into" in self.errors or "into_id" in self.errors:
            return data
        if not chosen:
            raise forms.ValidationError(
                _("Hãy chọn hoặc nhập điểm nóng để gộp vào."), code="required"
            )
        if len(chosen) > 1:
            raise forms.ValidationError(
                _("Chỉ chọn một điểm nóng để gộp vào."), code="ambiguous"
            )
        data["target"] = chosen.pop()
        return data


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Ưu tiên"),
        choices=[("1", _("Đặt ưu tiên")), ("0", _("Bỏ ưu tiên"))],
        coerce=lambda value: value == "1",
    )
    reason = _reason()


class CorrectForm(forms.Form):
    """Correct category, size or location; coordinates go through geo's gate later."""

    category = forms.ChoiceField(
        label=_("Loại"),
        required=False,
        choices=[("", _("Giữ nguyên"))] + Category.choices,
    )
    size_class = forms.ModelChoiceField(
        label=_("Cỡ"),
        required=False,
        queryset=SizeClass.objects.order_by("order", "min_kg"),
        to_field_name="key",
        empty_label=_("Giữ nguyên"),
    )
    lon = forms.CharField(label=_("Kinh độ"), required=False, max_length=40)
    lat = forms.CharField(label=_("Vĩ độ"), required=False, max_length=40)
    reason = _reason()

    def clean(self):
        data = super().clean()
        if bool(data.get("lon")) != bool(data.get("lat")):
            raise forms.ValidationError(
                _("Cần nhập cả kinh độ và vĩ độ để sửa vị trí."), code="incomplete"
            )
        return data
