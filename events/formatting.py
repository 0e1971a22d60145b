"""The contest's time zone and the formats its pages, PDFs and exports share."""

from zoneinfo import ZoneInfo

# Every date of the contest (windows, event days, certificates) is a calendar
# date in Huế.
CONTEST_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def format_vnd(amount: int) -> str:
    """Return an amount as Vietnamese money: 3000000 -> "3.000.000 ₫"."""
    return f"{amount:,}".replace(",", ".") + " ₫"
