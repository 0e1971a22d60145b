"""The IOC dashboard (headline figures, charts over time, top areas) and the
embeddable public map.

Charts are inline SVG laid out by maps.charts as plain numbers and drawn by the
template (auto-escaped): no JavaScript chart library, a <title> for screen
readers and a data table beside each chart.
"""

import re

from django.conf import settings
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from accounts.access import DASHBOARD_ROLES, roles_required

from . import selectors
from .charts import bar_chart, campaign_days, daily_series
from .coverage import top_areas
from .params import chosen_campaign
from .public_map import public_map_context

TOP_AREAS = 10

# --- the dashboard ------------------------------------------------------------------


def _label(day) -> str:
    return formats.date_format(day, "d/m")


@require_http_methods(["GET", "HEAD"])
@roles_required(*DASHBOARD_ROLES)
def dashboard(request):
    """Show a campaign's headline figures, its days in charts, and its top areas."""
    campaigns = selectors.campaign_choices()
    campaign = chosen_campaign(request.GET, campaigns)
    context = {"campaigns": campaigns, "campaign": campaign}
    if campaign is not None:
        days = daily_series(
            campaign_days(campaign.activity_start, campaign.activity_end),
            *selectors.daily_counts(campaign),
        )
        # The campaign's areas with most reports, from the one shared computation.
        metrics = selectors.area_metrics(
            campaign=campaign, level=campaign.coverage_level
        )
        context.update(
            {
                "headline": selectors.headline(campaign),
                "days": days,
                "reports_chart": bar_chart(
                    [(_label(day), n) for day, n, _kg in days],
                    title=_("Số báo cáo điểm nóng mỗi ngày"),
                    unit=_("báo cáo"),
                ),
                "kg_chart": bar_chart(
                    [(_label(day), kg) for day, _n, kg in days],
                    title=_("Khối lượng thu gom đã xác nhận mỗi ngày (kg)"),
                    unit="kg",
                ),
                "top_areas": top_areas(metrics, n=TOP_AREAS),
            }
        )
    return render(request, "maps/dashboard.html", context)


# --- the embeddable map -----------------------------------------------------------------

# An origin is a scheme, a host and maybe a port; anything else in the setting is
# dropped so that it can never add another directive to the header.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def frame_ancestors() -> str:
    origins = [o for o in settings.EMBED_FRAME_ANCESTORS if ORIGIN.match(o)]
    return " ".join(["'self'", *origins])


@require_http_methods(["GET", "HEAD"])
@xframe_options_exempt
def embed_map(request):
    """Show the public map with minimal chrome, frameable by the configured sites."""
    response = render(request, "maps/embed.html", public_map_context(request.GET))
    # The site's policy (CONTENT_SECURITY_POLICY) with this page's framers: what
    # django-csp's @csp_replace sets, here per request since it reads a setting.
    response._csp_replace = {"frame-ancestors": frame_ancestors().split()}
    return response
