"""Demo contest data (labelled as demo): the 2024 campaign from plan 1518/KH-STTTT,
and a practice campaign whose windows are open around the day the demo is loaded,
so registration and event logging can be tried in `make run`."""

import datetime as dt
import io

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from accounts.services import user_upsert
from events.campaigns.services import (
    Consents,
    Person,
    PrizeLine,
    Representative,
    campaign_create,
    entrant_approve,
    entrant_register,
)
from events.cleanups.services import event_log
from events.defaults import PRIZES_2024
from events.formatting import CONTEST_TZ
from events.judging.services import event_decide
from events.models import Campaign, CleanupEvent, Entrant
from events.results.services import campaign_freeze, results_publish
from hotspots import photos as photo_pipeline
from hotspots.models import Hotspot

from .hotspots import illustration

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
    lines += _entrants_2024()
    lines += _practice_entrant(Campaign.objects.get(slug="demo"))
    return lines or ["campaigns: already loaded"]


# Demo entrants of 2024 (invented people, labelled demo): name, kind, representative,
# members, and events (day in June 2024, start hour, hours, place, participants taken
# from the members plus others, kg, method, plastic/hyacinth/other, bags).
ENTRANTS_2024 = [
    (
        "Đội Sông Hương Xanh (demo)",
        "team",
        ("Nguyễn Thị Lan (demo)", "1995-04-12", "Đoàn phường Vĩnh Ninh", "0905000101"),
        ["Trần Văn Minh", "Lê Thị Hoa", "Phạm Quốc Bảo", "Hồ Thị Mai"],
        [
            (
                2,
                7,
                3,
                (107.5932, 16.4713),
                ["Người dân phường Phú Hội"],
                86.5,
                "measured",
                (70, 0, 16.5),
                9,
            ),
            (
                9,
                6,
                4,
                (107.6062, 16.4552),
                ["Nguyễn Văn Tâm"],
                240,
                "measured",
                (20, 210, 10),
                14,
            ),
            (23, 15, 2, (107.5797, 16.4758), [], 40, "estimated", (30, 0, 10), 5),
        ],
    ),
    (
        "Trường THPT Hai Bà Trưng — Chi đoàn 11A (demo)",
        "unit",
        (
            "Võ Minh Khang (demo)",
            "1988-09-02",
            "Trường THPT Hai Bà Trưng",
            "0914000202",
        ),
        ["Đặng Thu Trang", "Ngô Gia Huy", "Bùi Khánh Linh"],
        [
            (
                8,
                7,
                3,
                (107.6302, 16.5578),
                ["Học sinh lớp 11A"],
                120,
                "measured",
                (95, 0, 25),
                12,
            ),
            (16, 7, 3, (107.6212, 16.5482), [], 100, "estimated", (80, 0, 20), 10),
            (22, 7, 3, (107.6280, 16.5560), [], 100, "estimated", (70, 0, 30), 10),
        ],
    ),
    (
        "Hợp tác xã Môi trường Phú Vang (demo)",
        "organisation",
        ("Lê Văn Sơn (demo)", "1979-01-20", "HTX Môi trường Phú Vang", "0935000303"),
        ["Trương Thị Thu", "Nguyễn Hữu Lộc"],
        [
            (
                15,
                6,
                5,
                (107.7058, 16.4452),
                ["Xã viên HTX"],
                310,
                "measured",
                (120, 150, 40),
                25,
            ),
        ],
    ),
    (
        "Trần Ngọc Ánh (demo)",
        "individual",
        ("Trần Ngọc Ánh (demo)", "2001-11-05", "", "0976000404"),
        [],
        [
            (30, 16, 2, (107.5852, 16.4622), [], 18, "measured", (15, 0, 3), 3),
        ],
    ),
]


def _entrants_2024() -> list[str]:
    campaign = Campaign.objects.get(slug="2024")
    if Entrant.objects.filter(campaign=campaign).exists():
        return []
    organiser, _created = user_upsert(username="demo-btc", role="organiser")
    registration_day = dt.date(2024, 6, 2)
    events = 0
    for index, (name, kind, rep, members, logged) in enumerate(ENTRANTS_2024):
        user, _created = user_upsert(username=f"demo-doi-{index + 1}", role="resident")
        full_name, born, organisation, phone = rep
        entrant = entrant_register(
            campaign=campaign,
            user=user,
            kind=kind,
            name=name,
            representative=Representative(
                full_name=full_name,
                date_of_birth=dt.date.fromisoformat(born),
                organisation=organisation,
                phone=phone,
                email=f"demo-doi-{index + 1}@example.invalid",
            ),
            members=[Person(full_name=m) for m in members],
            consents=Consents(participation=True, contact=True, publish=index != 1),
            today=registration_day,
        )
        entrant = entrant_approve(
            entrant=entrant, actor=organiser, reason="Dữ liệu demo"
        )
        for day, hour, hours, (lon, lat), others, kg, method, parts, bags in logged:
            start = dt.datetime(2024, 6, day, hour, 0, tzinfo=CONTEST_TZ)
            location = Point(lon, lat, srid=4326)
            nearby = list(
                Hotspot.objects.open().near(location, 150).values_list("id", flat=True)
            )
            picture = illustration(
                f"{name} — {day}/6/2024", (40, 110, 70), index * 10 + day
            )
            event_log(
                entrant=entrant,
                user=user,
                title=f"Thu gom rác ngày {day}/6/2024 (demo)",
                location=location,
                started_at=start,
                ended_at=start + dt.timedelta(hours=hours),
                participants=[full_name.replace(" (demo)", ""), *members[:3], *others],
                weight_kg=kg,
                weight_method=method,
                plastic_kg=parts[0],
                water_hyacinth_kg=parts[1],
                other_kg=parts[2],
                bags=bags,
                hotspot_ids=nearby[:1],
                after_images=[photo_pipeline.sanitize(io.BytesIO(picture))],
                now=dt.datetime(2024, 7, 1, 12, 0, tzinfo=CONTEST_TZ),
            )
            events += 1
    decided = _decisions_2024(campaign)
    return [
        f"contest 2024: {len(ENTRANTS_2024)} entrants, {events} events, {decided} decisions"
    ]


def _decisions_2024(campaign: Campaign) -> int:
    """A demo judge approves most events, adjusts one and rejects one."""
    judge, _created = user_upsert(username="demo-bgk", role="judge")
    events = list(
        CleanupEvent.objects.filter(entrant__campaign=campaign).order_by(
            "started_at", "id"
        )
    )
    for index, event in enumerate(events):
        if index == 2:
            event_decide(
                event=event,
                judge=judge,
                verdict="adjust",
                reason="Cân lại tại điểm tập kết: 35 kg (demo)",
                weight_kg="35",
                plastic_kg="30",
                method="measured",
            )
        elif index == len(events) - 2:
            event_decide(
                event=event,
                judge=judge,
                verdict="reject",
                reason="Ảnh trùng với sự kiện khác, số liệu lặp lại (demo)",
            )
        else:
            event_decide(event=event, judge=judge, verdict="approve")
    # 2024 is over: its results are frozen and published, with certificates.
    organiser, _created = user_upsert(username="demo-btc", role="organiser")
    secretary, _created = user_upsert(username="demo-thuky", role="secretary")
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    return len(events)


def _practice_entrant(campaign: Campaign) -> list[str]:
    """An approved team in the practice campaign with two events for the jury's queue."""
    if Entrant.objects.filter(campaign=campaign).exists():
        return []
    organiser, _created = user_upsert(username="demo-btc", role="organiser")
    user, _created = user_upsert(username="demo-doi-thu", role="resident")
    today = timezone.localdate()
    entrant = entrant_register(
        campaign=campaign,
        user=user,
        kind="team",
        name="Đội Tình nguyện Vỹ Dạ (demo)",
        representative=Representative(
            full_name="Hoàng Thu Hà (demo)",
            date_of_birth=dt.date(1998, 3, 8),
            organisation="Đoàn phường Vỹ Dạ",
            phone="0905000505",
            email="demo-doi-thu@example.invalid",
        ),
        members=[Person(full_name=n) for n in ("Lê Văn Phúc", "Trần Thị Ngọc")],
        consents=Consents(participation=True, contact=True, publish=True),
        today=today - dt.timedelta(days=10),
    )
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    for days_ago, kg, method in ((7, "65.5", "measured"), (3, "120", "estimated")):
        start = dt.datetime.combine(
            today - dt.timedelta(days=days_ago), dt.time(7, 0), tzinfo=CONTEST_TZ
        )
        event_log(
            entrant=entrant,
            user=user,
            title=f"Dọn rác ven sông Như Ý ({days_ago} ngày trước, demo)",
            location=Point(107.6180, 16.4560, srid=4326),
            started_at=start,
            ended_at=start + dt.timedelta(hours=3),
            participants=["Hoàng Thu Hà", "Lê Văn Phúc", "Trần Thị Ngọc"],
            weight_kg=kg,
            weight_method=method,
            plastic_kg="40",
        )
    return ["practice campaign: 1 entrant, 2 events waiting for the jury"]
