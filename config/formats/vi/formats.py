"""The project's one date format (issue 12): dd/mm/yyyy, 24-hour HH:MM.

Django's own `vi` formats mix "d-m-Y" (short) with long spelled-out dates; every
page here shows the same form, in Asia/Ho_Chi_Minh (TIME_ZONE). Numbers keep
Django's Vietnamese separators (decimal comma) for text people read; markup that
machines read uses |unlocalize.
"""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
