"""Forms of the contest pages. They check the shape of input; the contest rules
(windows, eligibility, guardian consent) live in services and come back as
ContestError, which `RegisterForm.add_contest_error` puts beside the right field.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from events.campaigns.services import Consents, Person, Representative
from events.errors import ContestError
from events.models import EntrantKind, EntrantStatus

MEMBERS_MAX = 200
REASON_MAX_LENGTH = 2000
QUEUE_ALL = "all"
QUEUE_DELETION = "deletion"

# Plain-language notices shown beside each consent box (the version is shown too).
CONSENT_NOTICES = {
    "participation": _(
        "Ban Tổ chức lưu họ tên, ngày sinh, đơn vị, số điện thoại, email của người "
        "đại diện và họ tên các thành viên để xét duyệt đăng ký, theo dõi sự kiện "
        "thu gom và chấm giải. Dữ liệu này không được công khai và chỉ dùng cho "
        "cuộc thi. Bắt buộc để dự thi."
    ),
    "contact": _(
        "Ban Tổ chức được gọi điện, nhắn tin hoặc gửi email cho người đại diện về "
        "cuộc thi (nhắc lịch, kết quả, trao giải). Không bắt buộc."
    ),
    "publish": _(
        "Tên đội và kết quả được đăng công khai trên trang kết quả và các kênh "
        "thông tin của cuộc thi. Họ tên thành viên và thông tin liên hệ không bao "
        "giờ được công khai. Không bắt buộc."
    ),
    "guardian": _(
        "Chỉ khi người đại diện dưới 16 tuổi: tôi là cha mẹ hoặc người giám hộ, "
        "hoặc đã được cha mẹ / người giám hộ đồng ý, cho các mục đích trên."
    ),
}

# Service field -> form field ("members[2]" and "members[2].phone" go to members).
SERVICE_FIELDS = {
    "kind": "kind",
    "name": "name",
    "members": "members",
    "representative.full_name": "full_name",
    "representative.date_of_birth": "date_of_birth",
    "representative.organisation": "organisation",
    "representative.phone": "phone",
    "representative.email": "email",
    "consents.participation": "consent_participation",
    "consents.contact": "consent_contact",
    "consents.publish": "consent_publish",
    "consents.guardian": "consent_guardian",
}
MEMBER_FIELD = re.compile(r"^members\[(\d+)\]")


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hình thức dự thi"),
        choices=EntrantKind.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Tên đội / tổ chức / đơn vị"),
        max_length=200,
        help_text=_("Dự thi cá nhân: ghi họ tên của bạn."),
    )
    full_name = forms.CharField(
        label=_("Họ tên người đại diện"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    organisation = forms.CharField(
        label=_("Đơn vị / tổ chức / trường"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
        help_text=_("Ví dụ: 0905 123 456"),
    )
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    members = forms.CharField(
        label=_("Thành viên"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Mỗi dòng một họ tên; không cần ghi người đại diện. Số điện thoại hoặc "
            "email của từng thành viên chỉ nhập được qua API. Dự thi cá nhân: để trống."
        ),
    )
    consent_participation = forms.BooleanField(
        label=_("Tôi đồng ý tham gia cuộc thi và cho Ban Tổ chức xử lý dữ liệu trên."),
        required=True,
        error_messages={
            "required": _(
                "Cần đồng ý với thể lệ và việc xử lý dữ liệu để tham gia cuộc thi."
            )
        },
    )
    consent_contact = forms.BooleanField(
        label=_("Tôi đồng ý để Ban Tổ chức liên hệ với tôi về cuộc thi."),
        required=False,
    )
    consent_publish = forms.BooleanField(
        label=_("Tôi đồng ý công khai tên đội và kết quả."),
        required=False,
    )
    consent_guardian = forms.BooleanField(
        label=_("Cha mẹ hoặc người giám hộ đồng ý (người đại diện dưới 16 tuổi)."),
        required=False,
    )

    CONSENT_FIELDS = (
        ("consent_participation", "participation"),
        ("consent_contact", "contact"),
        ("consent_publish", "publish"),
        ("consent_guardian", "guardian"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Never pre-ticked, whatever initial data a caller passes (Law 91/2025).
        for name, _purpose in self.CONSENT_FIELDS:
            self.fields[name].initial = False
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_notice"
        self.member_lines: list[int] = []

    def clean_members(self) -> list[str]:
        names, lines = [], []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), 1):
            name = " ".join(line.split())
            if name:
                names.append(name)
                lines.append(number)
        if len(names) > MEMBERS_MAX:
            raise forms.ValidationError(
                _("Tối đa %(n)s thành viên.") % {"n": MEMBERS_MAX}, code="too_many"
            )
        if any(len(name) > 200 for name in names):
            raise forms.ValidationError(
                _("Mỗi họ tên tối đa 200 ký tự."), code="max_length"
            )
        self.member_lines = lines
        return names

    def consent_rows(self) -> list[tuple]:
        """Return (bound field, notice) pairs for the template."""
        return [
            (self[name], CONSENT_NOTICES[purpose])
            for name, purpose in self.CONSENT_FIELDS
        ]

    def service_arguments(self) -> dict:
        """Return entrant_register's keyword arguments (campaign and user aside)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "representative": Representative(
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                phone=data["phone"],
                email=data["email"],
                organisation=data["organisation"],
            ),
            "members": [Person(full_name=name) for name in data["members"]],
            "consents": Consents(
                participation=data["consent_participation"],
                contact=data["consent_contact"],
                publish=data["consent_publish"],
                guardian=data["consent_guardian"],
            ),
        }

    def add_contest_error(self, error: ContestError) -> None:
        """Put a service error beside the field it names, else above the form."""
        field = error.field or ""
        match = MEMBER_FIELD.match(field)
        if match:
            index = int(match.group(1))
            names = self.cleaned_data.get("members") or []
            if index < len(names) and index < len(self.member_lines):
                message = _("Dòng %(line)s (%(name)s): %(message)s") % {
                    "line": self.member_lines[index],
                    "name": names[index],
                    "message": error.message,
                }
            else:
                message = error.message
            self.add_error("members", message)
            return
        self.add_error(SERVICE_FIELDS.get(field), error.message)


class ReasonForm(forms.Form):
    """Approve: the note is optional."""

    reason = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=REASON_MAX_LENGTH
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("Cần ghi lý do từ chối.")},
    )


class AnonymiseForm(forms.Form):
    """Anonymising cannot be undone: the organiser ticks a box to confirm."""

    confirm = forms.BooleanField(
        label=_("Tôi hiểu việc ẩn danh hoá không thể hoàn tác."),
        error_messages={"required": _("Hãy đánh dấu ô xác nhận để ẩn danh hoá.")},
    )


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Chờ duyệt")),
            (QUEUE_ALL, _("Tất cả")),
            (EntrantStatus.APPROVED, _("Đã duyệt")),
            (EntrantStatus.REJECTED, _("Bị từ chối")),
            (QUEUE_DELETION, _("Yêu cầu xoá dữ liệu")),
        ],
    )

    def filters(self) -> dict:
        """Return queryset filters; an invalid value means the default (pending)."""
        value = ""
        if self.is_bound and self.is_valid():
            value = self.cleaned_data["status"]
        if value == QUEUE_ALL:
            return {}
        if value == QUEUE_DELETION:
            return {"deletion_requested_at__isnull": False, "anonymised_at": None}
        return {"status": value or EntrantStatus.PENDING}
