"""Rate limits on filing and confirming reports, shared by every channel: the
API, Open311 and the page forms count against the same counters."""

from config.throttling import AtomicAnonRateThrottle, AtomicUserRateThrottle


class ReportAnonThrottle(AtomicAnonRateThrottle):
    scope = "report_anon"


class ReportUserThrottle(AtomicUserRateThrottle):
    scope = "report_user"


class ConfirmThrottle(AtomicUserRateThrottle):
    """ "I see it too": the keys of DRF's ScopedRateThrottle with scope confirm."""

    scope = "confirm"


def report_throttles():
    return [ReportAnonThrottle(), ReportUserThrottle()]
