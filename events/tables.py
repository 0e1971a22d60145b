"""Tables as CSV and Excel: one header and rows of plain values, two writers.

Shared by every export (registrations, events, results, maps). Text that a
spreadsheet would run as a formula is neutralised (CSV injection); times are
written as naive local times, spreadsheets having no time zones.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Value = str | int | float | Decimal | dt.date | dt.datetime | None
LIST_SEPARATOR = "; "
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# A text cell starting with one of these is run as a formula by spreadsheets
# (CSV injection); a sign followed only by digits is a phone number or a number.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"^[+-][\d .]*$")


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[Value]]


def _csv_cell(value: Value, decimal: str = ".") -> str:
    if value is None:
        return ""
    if decimal != "." and isinstance(value, float | Decimal):
        return str(value).replace(".", decimal)
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if (
        isinstance(value, str)
        and text.startswith(FORMULA_START)
        and not SIGNED_NUMBER.match(text)
    ):
        return "'" + text
    return text


def to_csv(table: Table) -> bytes:
    """Return the table as UTF-8 CSV with a byte-order mark (Excel then reads
    Vietnamese correctly)."""
    return b"".join(csv_chunks(table.header, [table.rows]))


def csv_chunks(
    header: list[str],
    chunks: Iterable[Iterable[Iterable[Value]]],
    *,
    delimiter: str = ",",
    decimal: str = ".",
) -> Iterator[bytes]:
    """Yield to_csv's bytes for rows that come in chunks (an export streamed
    from a database cursor): the header first, then one piece per chunk.

    `delimiter=";"` with `decimal=","` is what spreadsheets in a Vietnamese (or
    most European) locale expect: there a comma is the decimal separator."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    for rows in chunks:
        out.seek(0)
        out.truncate()
        writer.writerows([_csv_cell(value, decimal) for value in row] for row in rows)
        yield out.getvalue().encode("utf-8")


def _widths(table: Table) -> Iterable[int]:
    for index, title in enumerate(table.header):
        longest = max(
            [len(str(row[index] or "")) for row in table.rows[:200]] + [len(title)]
        )
        yield min(max(longest + 2, 8), 60)


def to_xlsx(table: Table) -> bytes:
    """Return the table as an Excel workbook: one sheet, bold frozen header."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.name
    sheet.append(table.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        # Control characters are not allowed in the XML of a workbook.
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        )
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif cell.data_type == "f":
                # openpyxl stores text starting with "=" as a formula: keep it text.
                cell.data_type = "s"
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Download formats of a table: content type and writer.
FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        to_xlsx,
    ),
}
