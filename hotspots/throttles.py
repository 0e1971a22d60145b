"""Rate limits on filing reports, shared by every channel that files them."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ReportAnonThrottle(AnonRateThrottle):
    scope = "report_anon"


class ReportUserThrottle(UserRateThrottle):
    scope = "report_user"
