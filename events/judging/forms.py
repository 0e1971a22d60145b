"""Forms of the jury's pages: the review list's filters.

They check the shape of input; the rules are the services'.
"""

from django import forms
from django.utils.translation import gettext_lazy

from events.models import Campaign, Entrant, EventStatus
from geo.models import AdminArea
from geo.selectors import valid_on

STATUS_ALL = "all"


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[
            (EventStatus.SUBMITTED, gettext_lazy("Chờ chấm (đã nộp)")),
            (EventStatus.APPROVED, gettext_lazy("Đã duyệt")),
            (EventStatus.ADJUSTED, gettext_lazy("Đã điều chỉnh")),
            (EventStatus.REJECTED, gettext_lazy("Bị loại")),
            (EventStatus.NEEDS_INFO, gettext_lazy("Cần bổ sung thông tin")),
            (STATUS_ALL, gettext_lazy("Tất cả")),
        ],
    )
    entrant = forms.ModelChoiceField(
        label=gettext_lazy("Đội thi"),
        queryset=Entrant.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tất cả"),
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("Địa bàn"),
        queryset=AdminArea.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tất cả"),
    )
    flagged = forms.BooleanField(
        label=gettext_lazy("Chỉ sự kiện có cảnh báo (trong trang này)"),
        required=False,
    )

    def __init__(self, data, *, campaign: Campaign):
        super().__init__(data)
        self.fields["entrant"].queryset = Entrant.objects.filter(
            campaign=campaign
        ).order_by("name", "id")
        # Areas at the campaign's coverage level, by name (boundaries not loaded).
        self.fields["area"].queryset = (
            AdminArea.objects.filter(
                valid_on(campaign.areas_on), level=campaign.coverage_level
            )
            .only("id", "name")
            .order_by("name", "id")
        )

    def values(self) -> dict:
        """Return the filters; an invalid value falls back to its default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or EventStatus.SUBMITTED,
            "entrant": data.get("entrant"),
            "area": data.get("area"),
            "flagged": bool(data.get("flagged")),
        }
