"""Demo contest data (labelled as demo): the 2024 campaign from plan 1518/KH-STTTT,
and a practice campaign whose windows are open around the day the demo is loaded,
so registration and event logging can be tried in `make run`."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .defaults import PRIZES_2024
from .models import Campaign
from .services import PrizeLine, campaign_create

RULES_2024 = (
    "Các đội thi tổ chức các sự kiện thu gom, xử lý rác thải (ưu tiên các điểm ô nhiễm "
    "rác thải nhựa có khối lượng lớn) và cập nhật kết quả.\n"
    "Báo cáo kết quả trung thực dựa trên danh sách người tham gia thực tế, số liệu cân đo "
    "khối lượng chính xác (ưu tiên) hoặc ước tính hợp lý.\n"
    "Sự kiện thu gom diễn ra trong thời gian cuộc thi (2/6/2024 – 30/6/2024).\n"
    "Không được dự thi: thành viên Ban Tổ chức, Tổ Chuyên viên, các bộ phận giúp việc."
)


def _prizes() -> list[PrizeLine]:
    return [PrizeLine(*line) for line in PRIZES_2024]


@transaction.atomic
def load() -> list[str]:
    lines = []
    if not Campaign.objects.filter(slug="2024").exists():
        campaign_create(
            name="Thử thách làm cho thế giới sạch hơn trên nền tảng số Hue-S 2024",
            slug="2024",
            theme="Phục hồi đất, chống hạn hán và sa mạc hóa",
            rules=RULES_2024,
            registration_start=dt.date(2024, 6, 2),
            registration_end=dt.date(2024, 6, 30),
            activity_start=dt.date(2024, 6, 2),
            activity_end=dt.date(2024, 6, 30),
            judging_end=dt.date(2024, 7, 20),
            results_date=dt.date(2024, 7, 25),
            prizes=_prizes(),
        )
        lines.append("campaign 2024 created")
    if not Campaign.objects.filter(slug="demo").exists():
        today = timezone.localdate()
        campaign_create(
            name="Chủ nhật xanh — chiến dịch thử (dữ liệu demo)",
            slug="demo",
            theme="Dùng thử: đăng ký, ghi nhận sự kiện thu gom",
            rules=RULES_2024.replace(
                "(2/6/2024 – 30/6/2024)", "(theo thời gian của chiến dịch)"
            ),
            registration_start=today - dt.timedelta(days=14),
            registration_end=today + dt.timedelta(days=30),
            activity_start=today - dt.timedelta(days=14),
            activity_end=today + dt.timedelta(days=30),
            prizes=_prizes(),
        )
        lines.append("campaign demo created")
    return lines or ["campaigns: already loaded"]
