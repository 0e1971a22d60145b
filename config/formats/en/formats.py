"""English pages keep the Vietnamese pages' dates (issue 12): dd/mm/yyyy, 24-hour
HH:MM, Asia/Ho_Chi_Minh. A contest in Huế is read by the same organisers in both
languages; one form avoids 01/12 being read as January. Numbers stay English
(decimal point).
"""

from config.formats.vi.formats import (  # noqa: F401 (read by Django by name)
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
