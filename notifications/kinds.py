"""The kinds of notification: a stable code, and its subject and text through gettext.

Callers (hotspots, events) pass a code and plain params; the words live here so
the email and the in-app list say the same thing, in the reader's language.
Params hold no one's personal data: an id, a team's own name, a decision's reason.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    subject: object  # lazy translation, formatted with the params
    text: object


REPORT_VERIFIED = "report_verified"
REPORT_MERGED = "report_merged"
REPORT_CLEANED = "report_cleaned"
REPORT_REJECTED = "report_rejected"
REPORT_REOPENED = "report_reopened"
REGISTRATION_APPROVED = "registration_approved"
REGISTRATION_REJECTED = "registration_rejected"
EVENT_APPROVED = "event_approved"
EVENT_ADJUSTED = "event_adjusted"
EVENT_REJECTED = "event_rejected"
# The jury asks the team for more information (helper `jury`'s state): the
# lead wires it with notify(kind=EVENT_NEEDS_INFO, params={"id": ..., "message": ...}).
EVENT_NEEDS_INFO = "event_needs_info"

KINDS: dict[str, Kind] = {
    REPORT_VERIFIED: Kind(
        _("Báo cáo điểm nóng #%(id)s đã được xác minh"),
        _(
            "Cảm ơn bạn! Báo cáo điểm nóng #%(id)s của bạn đã được Ban Tổ chức "
            "xác minh và hiện trên bản đồ công khai."
        ),
    ),
    REPORT_MERGED: Kind(
        _("Báo cáo điểm nóng #%(id)s đã được gộp"),
        _(
            "Báo cáo điểm nóng #%(id)s của bạn trùng với một báo cáo khác ở cùng "
            "nơi nên đã được gộp vào điểm nóng #%(into)s. Ảnh và xác nhận của bạn "
            "được giữ lại."
        ),
    ),
    REPORT_CLEANED: Kind(
        _("Điểm nóng #%(id)s đã được thu gom"),
        _("Điểm nóng #%(id)s bạn báo cáo đã được thu gom. Cảm ơn bạn!"),
    ),
    REPORT_REJECTED: Kind(
        _("Báo cáo điểm nóng #%(id)s chưa được chấp nhận"),
        _("Báo cáo điểm nóng #%(id)s của bạn chưa được chấp nhận. Lý do: %(reason)s"),
    ),
    REPORT_REOPENED: Kind(
        _("Điểm nóng #%(id)s đã tái xuất hiện"),
        _(
            "Điểm nóng #%(id)s bạn báo cáo đã được thu gom nhưng rác đã xuất hiện "
            "lại; điểm nóng được mở lại để thu gom."
        ),
    ),
    REGISTRATION_APPROVED: Kind(
        _("Đăng ký dự thi đã được duyệt"),
        _(
            "Chúc mừng! %(name)s đã được Ban Tổ chức duyệt và có thể ghi nhận sự "
            "kiện thu gom."
        ),
    ),
    REGISTRATION_REJECTED: Kind(
        _("Đăng ký dự thi chưa được chấp nhận"),
        _("Đăng ký của %(name)s chưa được chấp nhận. Lý do: %(reason)s"),
    ),
    EVENT_APPROVED: Kind(
        _("Sự kiện thu gom #%(id)s đã được duyệt"),
        _("Ban Giám khảo đã duyệt sự kiện thu gom #%(id)s của %(name)s."),
    ),
    EVENT_ADJUSTED: Kind(
        _("Sự kiện thu gom #%(id)s đã được duyệt (có điều chỉnh)"),
        _(
            "Ban Giám khảo đã duyệt sự kiện thu gom #%(id)s của %(name)s với số "
            "liệu điều chỉnh. Lý do: %(reason)s"
        ),
    ),
    EVENT_REJECTED: Kind(
        _("Sự kiện thu gom #%(id)s bị loại"),
        _(
            "Ban Giám khảo đã loại sự kiện thu gom #%(id)s của %(name)s. Lý do: %(reason)s"
        ),
    ),
    EVENT_NEEDS_INFO: Kind(
        _("Ban Giám khảo cần thêm thông tin về sự kiện #%(id)s"),
        _(
            "Ban Giám khảo cần thêm thông tin về sự kiện thu gom #%(id)s của "
            "%(name)s trước khi quyết định: %(message)s"
        ),
    ),
}

CHOICES = [(code, code) for code in KINDS]


class _Params(dict):
    """Missing params read as empty text: an old row never breaks a page."""

    def __missing__(self, key):
        return ""


def subject(code: str, params: dict) -> str:
    kind = KINDS.get(code)
    return str(kind.subject) % _Params(params) if kind else code


def text(code: str, params: dict) -> str:
    kind = KINDS.get(code)
    return str(kind.text) % _Params(params) if kind else ""
