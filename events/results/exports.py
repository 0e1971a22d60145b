"""A frozen campaign's results as plain rows: for the pages, and as one table that
the CSV and Excel writers of events.campaigns.exports and the PDF writer here all share.

Everything is read from the freeze's snapshot (events.results.services), never from the
live events, so a published result cannot move. Only the names come from the
caller: the public page passes events.results.services.public_name (consent to publish),
staff pages and exports the entrants' current names.
"""

import datetime as dt
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from events.formatting import CONTEST_TZ, format_vnd
from events.models import Entrant, PrizeCategory, ResultFreeze
from events.results import scoring
from events.results.certificates import FONT, FONT_BOLD, GREEN, composed, register_fonts
from events.results.services import CATEGORIES
from events.tables import Table, Value

NameFor = Callable[[int], str]


@dataclass(frozen=True)
class EventRow:
    event_id: int
    points: Decimal
    lines: tuple[scoring.Line, ...]


@dataclass(frozen=True)
class ResultRow:
    category: str
    rank: int
    entrant_id: int
    name: str
    tied: bool  # shares its rank with others
    boundary_tie: bool  # a tie at a prize boundary the jury has not settled
    points: Decimal
    event_points: Decimal
    coverage_bonus: Decimal
    areas: int
    priority_weighted_kg: Decimal
    prize_rank: int | None
    prize_label: str
    amount_vnd: int | None
    lines: tuple[scoring.Line, ...]
    events: tuple[EventRow, ...]


def result_rows(freeze: ResultFreeze, category: str, name: NameFor) -> list[ResultRow]:
    """Return one category's ranking from the snapshot, with prizes and breakdowns."""
    results = freeze.snapshot["results"][category]
    awards = {award["entrant_id"]: award for award in results["awards"]}
    tied = {entrant_id for group in results["boundary_ties"] for entrant_id in group}
    # Within a shared rank, the jury's order (the order of the awards) comes first.
    position = {award["entrant_id"]: i for i, award in enumerate(results["awards"])}
    ranking = sorted(
        results["ranking"],
        key=lambda line: (
            line["rank"],
            position.get(line["entrant_id"], len(position)),
        ),
    )
    rows = []
    for line in ranking:
        entrant_id = line["entrant_id"]
        award = awards.get(entrant_id)
        rows.append(
            ResultRow(
                category=category,
                rank=line["rank"],
                entrant_id=entrant_id,
                name=name(entrant_id),
                tied=bool(line["tied_with"]),
                boundary_tie=entrant_id in tied,
                points=Decimal(line["points"]),
                event_points=Decimal(line["event_points"]),
                coverage_bonus=Decimal(line["coverage_bonus"]),
                areas=line["areas"],
                priority_weighted_kg=Decimal(line["priority_weighted_kg"]),
                prize_rank=award["prize_rank"] if award else None,
                prize_label=award["label"] if award else "",
                amount_vnd=award["amount_vnd"] if award else None,
                lines=tuple(scoring.Line.from_json(x) for x in line["lines"]),
                events=tuple(
                    EventRow(
                        event_id=event["event_id"],
                        points=Decimal(event["points"]),
                        lines=tuple(scoring.Line.from_json(x) for x in event["lines"]),
                    )
                    for event in line["events"]
                ),
            )
        )
    return rows


def staff_names(freeze: ResultFreeze) -> NameFor:
    """Return the entrants' current names (staff only).

    Current, not as frozen: an individual's name erased on request
    (events.privacy.entrant_anonymise) must not come back from the snapshot.
    """
    current = dict(
        Entrant.objects.filter(campaign_id=freeze.campaign_id).values_list("pk", "name")
    )
    frozen = freeze.snapshot["inputs"]["entrants"]

    def name(entrant_id: int) -> str:
        if entrant_id in current:
            return current[entrant_id]
        return frozen.get(str(entrant_id), {}).get("name", f"#{entrant_id}")

    return name


def results_table(freeze: ResultFreeze) -> Table:
    """Return both categories' results with the entrants' names (staff only)."""
    name = staff_names(freeze)
    labels = dict(PrizeCategory.choices)
    header = [
        _("Hạng"),
        _("Hạng mục"),
        _("Mã đội"),
        _("Đội thi"),
        _("Điểm"),
        _("Điểm sự kiện"),
        _("Thưởng độ phủ"),
        _("Số địa bàn"),
        _("Khối lượng quy đổi ưu tiên (kg)"),
        _("Giải"),
        _("Trị giá (VND)"),
        _("Ghi chú"),
    ]
    rows: list[list[Value]] = []
    for category in CATEGORIES:
        for row in result_rows(freeze, category, name):
            note = ""
            if row.boundary_tie:
                note = _("Đồng hạng tại ranh giới giải, chưa được quyết định")
            elif row.tied:
                note = _("Đồng hạng")
            rows.append(
                [
                    row.rank,
                    str(labels[category]),
                    row.entrant_id,
                    row.name,
                    row.points,
                    row.event_points,
                    row.coverage_bonus,
                    row.areas,
                    row.priority_weighted_kg,
                    row.prize_label,
                    row.amount_vnd,
                    note,
                ]
            )
    return Table("results", header, rows)


# --- the PDF writer ------------------------------------------------------------


def _pdf_cell(value: Value, money: bool) -> str:
    if value is None:
        return ""
    if money and isinstance(value, int):
        return format_vnd(value)
    if isinstance(value, Decimal | float):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return composed(str(value))


def _column_widths(cells: list[list[str]], total: float) -> list[float]:
    """Share the page width by each column's longest text (capped, so one long
    name does not squeeze the numbers); a header may wrap between its words."""
    header, body = cells[0], cells[1:]
    weights = [
        min(
            max(
                # bold header letters are about a quarter wider
                [1.25 * len(word) for word in title.split()]
                + [len(row[i]) for row in body]
            ),
            36,
        )
        + 3  # the cell's padding, in letters
        for i, title in enumerate(header)
    ]
    return [total * w / sum(weights) for w in weights]


def to_pdf(
    table: Table, *, title: str, subtitle: str = "", money: Collection[str] = ()
) -> bytes:
    """Return the table as an A4 landscape PDF in DejaVu Sans (Vietnamese text).

    Columns named in `money` print as "3.000.000 ₫"; numbers in the Vietnamese
    format; the header repeats on every page.
    """
    register_fonts()
    base = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    number = ParagraphStyle("number", parent=base, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=base, fontName=FONT_BOLD)
    money_columns = {i for i, title in enumerate(table.header) if title in money}
    cells = [[composed(title) for title in table.header]] + [
        [_pdf_cell(value, i in money_columns) for i, value in enumerate(row)]
        for row in table.rows
    ]
    numeric = [
        bool(table.rows)
        and all(
            isinstance(row[i], int | float | Decimal) or row[i] is None
            for row in table.rows
        )
        for i in range(len(table.header))
    ]
    data = [[Paragraph(escape(v), head) for v in cells[0]]] + [
        [
            Paragraph(escape(v), number if numeric[i] else base)
            for i, v in enumerate(row)
        ]
        for row in cells[1:]
    ]
    page = landscape(A4)
    margin = 12 * mm
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=composed(title),
        author=composed(_("Ban Tổ chức cuộc thi")),
    )
    grid = LongTable(
        data, colWidths=_column_widths(cells, page[0] - 2 * margin), repeatRows=1
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dff3e4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, "#f5f8f6"]),
            ]
        )
    )
    heading = ParagraphStyle(
        "title", fontName=FONT_BOLD, fontSize=15, leading=19, textColor=GREEN
    )
    story = [Paragraph(escape(composed(title)), heading)]
    if subtitle:
        story.append(Paragraph(escape(composed(subtitle)), base))
    story += [Spacer(1, 4 * mm), grid]
    doc.build(story)
    return out.getvalue()


def results_pdf(freeze: ResultFreeze, table: Table) -> bytes:
    """Return the results table as a PDF headed by the campaign and the freeze."""
    campaign = freeze.campaign
    if freeze.published_at:
        state = _("Đã công bố lúc %(at)s") % {
            "at": timezone.localtime(freeze.published_at, CONTEST_TZ).strftime(
                "%H:%M %d/%m/%Y"
            )
        }
    else:
        state = _("Đã chốt lúc %(at)s, chưa công bố") % {
            "at": timezone.localtime(freeze.frozen_at, CONTEST_TZ).strftime(
                "%H:%M %d/%m/%Y"
            )
        }
    return to_pdf(
        table,
        title=_("Kết quả cuộc thi · %(name)s") % {"name": campaign.name},
        subtitle=state,
        money=[_("Trị giá (VND)")],
    )
