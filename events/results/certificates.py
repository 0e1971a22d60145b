"""PDF drawing with reportlab: the Vietnamese fonts and a prize winner's certificate.

reportlab's built-in fonts cover Latin-1 only, so Vietnamese needs a TrueType
font: DejaVu Sans (Debian package fonts-dejavu-core), embedded as a subset with
its Unicode map, so the text of the PDF can also be searched and extracted.
Lengths are in PDF points (1/72 inch); A4 landscape is 841.9 × 595.3 pt.
"""

import io
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from events.formatting import CONTEST_TZ, format_vnd
from events.models import Certificate, PrizeCategory

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
# Where distributions put DejaVu; settings.PDF_FONT_DIRS (optional) is tried first.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu",  # Alpine: font-dejavu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora: dejavu-sans-fonts
    "/usr/share/fonts/TTF",  # Arch: ttf-dejavu
    "/usr/local/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",  # macOS
)
GREEN = HexColor("#1b7f3b")
INK = HexColor("#1d2b22")
MUTED = HexColor("#55665a")
QR_SIZE = 112  # points: about 4 cm, easy for a phone camera
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)


def _find_font(filename: str) -> Path:
    dirs = [*getattr(settings, "PDF_FONT_DIRS", ()), *FONT_DIRS]
    for directory in dirs:
        candidate = Path(directory) / filename
        if candidate.is_file():
            return candidate
    raise ImproperlyConfigured(
        f"Font {filename} (DejaVu Sans) not found in {', '.join(dirs)}. "
        "Install the package fonts-dejavu-core (Debian/Ubuntu) or set "
        "PDF_FONT_DIRS; Vietnamese text cannot be drawn without it."
    )


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_find_font(filename))))
    # <b> inside a platypus Paragraph then picks the bold face.
    registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def composed(value: str) -> str:
    """Return text in composed form (NFC).

    reportlab does no glyph shaping: a name typed with combining marks (NFD) would
    print its tone marks beside the letters, not on them.
    """
    return unicodedata.normalize("NFC", value)


def _fit(canvas: Canvas, value: str, font: str, size: float, width: float) -> float:
    """Return the largest font size up to `size` at which the text fits the width."""
    while size > 6 and canvas.stringWidth(value, font, size) > width:
        size -= 0.5
    return size


def _centred(canvas: Canvas, value: str, y: float, font: str, size: float) -> None:
    value = composed(value)
    size = _fit(canvas, value, font, size, PAGE_WIDTH - 160)
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, value)


def _border(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(GREEN)
    canvas.setLineWidth(3)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setLineWidth(0.8)
    canvas.rect(32, 32, width - 64, height - 64)


def _qr(canvas: Canvas, url: str, x: float, y: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """Draw a certificate (A4 landscape) whose QR code leads to `verify_url`.

    `verify_url` is absolute: the QR code is read by a phone, outside the site.
    The name printed is the entrant's own (the winner's document); public pages
    use the published name instead.
    """
    register_fonts()
    campaign = certificate.freeze.campaign
    width, height = PAGE_WIDTH, PAGE_HEIGHT
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(
        composed(_("Giấy chứng nhận %(code)s") % {"code": certificate.code})
    )
    canvas.setSubject(composed(campaign.name))
    canvas.setAuthor(composed(_("Ban Tổ chức cuộc thi")))
    canvas.setCreator("Hue-S · Chủ nhật xanh")
    _border(canvas, width, height)

    canvas.setFillColor(MUTED)
    _centred(canvas, _("BAN TỔ CHỨC CUỘC THI").upper(), height - 72, FONT, 11)
    canvas.setFillColor(GREEN)
    _centred(canvas, _("GIẤY CHỨNG NHẬN"), height - 128, FONT_BOLD, 38)
    canvas.setFillColor(INK)
    _centred(canvas, campaign.name, height - 160, FONT, 15)
    _centred(canvas, _("Chứng nhận"), height - 208, FONT, 16)
    canvas.setFillColor(GREEN)
    _centred(canvas, certificate.entrant_name, height - 250, FONT_BOLD, 30)
    canvas.setFillColor(INK)
    category = PrizeCategory(certificate.category).label
    _centred(
        canvas,
        _("Đã đạt %(prize)s — hạng mục %(category)s")
        % {"prize": certificate.prize_label, "category": str(category).lower()},
        height - 292,
        FONT_BOLD,
        18,
    )
    _centred(
        canvas,
        _("Trị giá giải thưởng: %(amount)s")
        % {"amount": format_vnd(certificate.amount_vnd)},
        height - 320,
        FONT,
        13,
    )

    # The signature block, right: place and date, title, then room to sign.
    issued = timezone.localtime(certificate.issued_at, CONTEST_TZ).strftime("%d/%m/%Y")
    right_x = width - 200
    canvas.setFont(FONT, 12)
    canvas.drawCentredString(
        right_x, 196, composed(_("Huế, ngày %(date)s") % {"date": issued})
    )
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawCentredString(right_x, 174, composed(_("GIÁM ĐỐC")))
    canvas.setFont(FONT, 9)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(right_x, 160, composed(_("(Ký, ghi rõ họ tên, đóng dấu)")))
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(right_x - 110, 72, right_x + 110, 72)  # the name goes above it

    # Verification, left: QR code, the URL it encodes (also for people) and the code.
    left_x = 64
    _qr(canvas, verify_url, left_x, 96)
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 9)
    canvas.drawString(
        left_x, 82, composed(_("Quét mã QR hoặc mở địa chỉ để xác minh:"))
    )
    url_size = _fit(canvas, verify_url, FONT, 8, width / 2 - left_x)
    canvas.setFont(FONT, url_size)
    canvas.drawString(left_x, 70, verify_url)
    canvas.setFont(FONT_BOLD, 11)
    canvas.drawString(
        left_x + QR_SIZE + 12,
        150,
        composed(_("Mã xác minh: %(code)s") % {"code": certificate.code}),
    )
    canvas.showPage()
    canvas.save()
    return out.getvalue()
