"""The words of a score's breakdown, in the reader's language.

events.results.scoring explains every score as data (scoring.Line: a code, its
figures, its value); this module words a line through gettext, Vietnamese first
(English from locale/en), for every page, PDF and API. One wording per code, with
named placeholders; the numbers are localised (Vietnamese "1,5", English "1.5").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy

from events.results.scoring import MULTIPLIERS, Code, Line, plain

TEXTS = {
    Code.PLASTIC: gettext_lazy("Nhựa %(kg)s kg × %(factor)s điểm/kg"),
    Code.WATER_HYACINTH: gettext_lazy("Bèo lục bình %(kg)s kg × %(factor)s điểm/kg"),
    Code.OTHER: gettext_lazy(
        "Rác khác và chưa phân loại %(kg)s kg × %(factor)s điểm/kg"
    ),
    Code.PRIORITY: gettext_lazy("Làm sạch điểm nóng ưu tiên: nhân %(factor)s"),
    Code.ESTIMATED: gettext_lazy("Khối lượng ước tính, không cân: nhân %(factor)s"),
    Code.REJECTED: gettext_lazy("Bị Ban Giám khảo loại: 0 điểm"),
    Code.NOT_REVIEWED: gettext_lazy("Chưa được chấm: 0 điểm"),
    Code.EVENTS: gettext_lazy("Điểm của %(n)s sự kiện"),
    Code.COVERAGE: gettext_lazy("Thưởng độ phủ: %(n)s địa bàn × %(factor)s điểm"),
}
CENT = Decimal("0.01")


def text(line: Line) -> str:
    """Return the line's wording in the active language."""
    figures = {key: _number(value) for key, value in line.params.items()}
    return str(TEXTS[line.code]) % figures


def _number(value) -> str:
    # Exactly the digits scoring computed ("0.00" stays "0,00"), localised.
    return formats.number_format(Decimal(str(value)), use_l10n=True)


@dataclass(frozen=True)
class ShownLine:
    """A breakdown line ready to show: its data, its kind and its wording."""

    code: str
    params: dict  # JSON values (decimals as exact strings)
    value: Decimal  # points to the cent; a multiplier's factor exact
    kind: str  # "points" | "multiplier"
    text: str

    def as_json(self) -> dict:
        """The one JSON shape of a breakdown line (jury and public APIs alike;
        documented by events.results.serializers.BreakdownLineSerializer)."""
        return {
            "code": self.code,
            "params": self.params,
            "value": str(self.value),
            "kind": self.kind,
            "text": self.text,
        }


def shown(line: Line) -> ShownLine:
    """Return the line worded in the active language, its value as shown."""
    multiplier = line.code in MULTIPLIERS
    value = Decimal(line.value)
    return ShownLine(
        code=str(line.code),
        params=plain(line.params),
        value=value if multiplier else value.quantize(CENT),
        kind="multiplier" if multiplier else "points",
        text=text(line),
    )
