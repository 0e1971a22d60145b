"""Demo hotspots around Huế (labelled as demo data): a lively map for `make run`.

Places are well-known waterways and public spots, positions approximate; photos
are drawn illustrations marked "ảnh minh hoạ — dữ liệu demo", not real photos.
Loaded through the same services as real reports, so scores, areas and history
are consistent. Re-running adds nothing once the demo hotspots exist.
"""

import io
import random

from django.contrib.gis.geos import Point
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from accounts.services import user_upsert
from hotspots import photos as photo_pipeline
from hotspots import services
from hotspots.defaults import seed_size_classes
from hotspots.models import Hotspot, SizeClass

DEMO_CHANNEL = "demo"

# (lon, lat, category, size, description, status, priority)
PLACES = [
    (
        107.5930,
        16.4715,
        "plastic",
        "cart",
        "Rác nhựa dồn dưới chân cầu Trường Tiền (demo)",
        "verified",
        True,
    ),
    (
        107.5795,
        16.4760,
        "plastic",
        "several_bags",
        "Chai nhựa ven bờ sông Hương, phía Kinh thành (demo)",
        "verified",
        False,
    ),
    (
        107.5880,
        16.4800,
        "household",
        "several_bags",
        "Rác sinh hoạt bên kênh Đông Ba (demo)",
        "reported",
        False,
    ),
    (
        107.5975,
        16.4775,
        "plastic",
        "truck",
        "Bãi rác nhựa lớn gần chợ Đông Ba (demo)",
        "verified",
        True,
    ),
    (
        107.6060,
        16.4550,
        "water_hyacinth",
        "truck",
        "Bèo lục bình phủ kín sông An Cựu (demo)",
        "verified",
        True,
    ),
    (
        107.6150,
        16.4480,
        "water_hyacinth",
        "cart",
        "Bèo lục bình dồn ứ ở cống An Cựu (demo)",
        "reported",
        False,
    ),
    (
        107.5700,
        16.4650,
        "construction",
        "cart",
        "Xà bần đổ trộm ven đường (demo)",
        "verified",
        False,
    ),
    (
        107.5640,
        16.4580,
        "household",
        "bag",
        "Túi rác bỏ lại ở công viên (demo)",
        "cleaned",
        False,
    ),
    (
        107.6300,
        16.5580,
        "plastic",
        "truck",
        "Rác nhựa trôi dạt bãi biển Thuận An (demo)",
        "verified",
        True,
    ),
    (
        107.6210,
        16.5480,
        "plastic",
        "cart",
        "Lưới và phao xốp bỏ lại ven phá Tam Giang (demo)",
        "verified",
        False,
    ),
    (
        107.5400,
        16.5750,
        "water_hyacinth",
        "cart",
        "Bèo lục bình chắn dòng kênh nội đồng (demo)",
        "reported",
        False,
    ),
    (
        107.5150,
        16.5850,
        "plastic",
        "several_bags",
        "Rác nhựa quanh bến đò Sịa (demo)",
        "verified",
        False,
    ),
    (
        107.6950,
        16.4060,
        "household",
        "cart",
        "Điểm tập kết rác tự phát ở Phú Bài (demo)",
        "verified",
        False,
    ),
    (
        107.7060,
        16.4470,
        "plastic",
        "cart",
        "Chai lọ nhựa dọc phá ở Phú Đa (demo)",
        "reported",
        False,
    ),
    (
        107.4630,
        16.5240,
        "construction",
        "truck",
        "Xà bần và rác cồng kềnh ở Tứ Hạ (demo)",
        "verified",
        False,
    ),
    (
        107.3560,
        16.5530,
        "hazardous",
        "bag",
        "Vỏ chai thuốc bảo vệ thực vật bên ruộng (demo)",
        "verified",
        True,
    ),
    (
        107.8840,
        16.2700,
        "plastic",
        "several_bags",
        "Rác nhựa ven đầm Cầu Hai (demo)",
        "verified",
        False,
    ),
    (
        107.7120,
        16.1670,
        "other",
        "bag",
        "Rác hỗn hợp bên suối (demo)",
        "reported",
        False,
    ),
    (
        107.2450,
        16.2180,
        "plastic",
        "several_bags",
        "Rác nhựa gần chợ A Lưới (demo)",
        "cleaned",
        False,
    ),
    (
        107.5850,
        16.4620,
        "plastic",
        "bag",
        "Ly nhựa và ống hút trên đường Lê Lợi (demo)",
        "cleaned",
        False,
    ),
]


def illustration(text: str, colour: tuple[int, int, int], seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (960, 720), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(960), rng.randrange(200, 720)
        r = rng.randrange(8, 40)
        shade = tuple(min(255, c + rng.randrange(40, 120)) for c in colour)
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=shade)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 40)
        small = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:  # the font is installed by scripts/install.sh; stay usable anyway
        font = small = ImageFont.load_default()
    draw.rectangle((0, 0, 960, 150), fill=(255, 255, 255))
    draw.text((24, 20), "ẢNH MINH HOẠ — DỮ LIỆU DEMO", fill=(180, 30, 30), font=font)
    draw.text((24, 90), text[:60], fill=(30, 30, 30), font=small)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


COLOURS = {
    "plastic": (40, 90, 160),
    "water_hyacinth": (40, 120, 60),
    "household": (120, 100, 70),
    "construction": (130, 120, 110),
    "hazardous": (150, 60, 40),
    "other": (90, 90, 90),
}


@transaction.atomic
def load() -> list[str]:
    """Load the demo hotspots once (a demo organiser account acts; it cannot log in)."""
    seed_size_classes(SizeClass)
    if Hotspot.objects.filter(channel=DEMO_CHANNEL).exists():
        return ["hotspots: already loaded"]
    organiser, _created = user_upsert(username="demo-btc", role="organiser")
    sizes = {s.key: s for s in SizeClass.objects.all()}
    for index, (lon, lat, category, size, text, status, priority) in enumerate(PLACES):
        image = photo_pipeline.sanitize(
            io.BytesIO(illustration(text, COLOURS[category], index))
        )
        hotspot = services.hotspot_report(
            location=Point(lon, lat, srid=4326),
            category=category,
            size_class=sizes[size],
            description=text,
            location_source="pin",
            images=[image],
            channel=DEMO_CHANNEL,
        ).hotspot
        if status in ("verified", "cleaned"):
            services.hotspot_verify(
                hotspot=hotspot, actor=organiser, reason="Dữ liệu demo"
            )
        if priority:
            services.hotspot_set_priority(
                hotspot=hotspot, actor=organiser, priority=True
            )
        if status == "cleaned":
            services.hotspot_mark_cleaned(
                hotspot=hotspot, actor=organiser, reason="Dữ liệu demo"
            )
    return [f"hotspots: {len(PLACES)} created"]
