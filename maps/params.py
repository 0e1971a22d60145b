"""Request parameters of the map pages, APIs and exports: one parser each.

An API or an export answers a bad value with a 400 naming the parameter
(config.api.ApiError); a page decides what to do with that error itself.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from config.api import ApiError, query_choice, query_int, query_text
from events.campaigns.selectors import campaign_by_slug, current_campaign
from events.models import Campaign
from geo.selectors import area_levels

from . import clusters, hexagons


def campaign_param(params) -> Campaign:
    """Return the campaign named by `campaign` (a slug), else the current one.

    An unknown campaign (or none at all yet) is a 400 on `campaign`.
    """
    slug = query_text(params, "campaign") or ""
    campaign = campaign_by_slug(slug) if slug else current_campaign()
    if campaign is None:
        raise ApiError(
            _("Không tìm thấy chiến dịch “%(value)s”.") % {"value": slug[:80]},
            code="unknown_campaign",
            field="campaign",
        )
    return campaign


def coverage_params(params) -> tuple[Campaign, str]:
    """Return the campaign and level a coverage request asks for (or the defaults).

    An unknown campaign or level is a 400 naming the parameter; no campaign at
    all (none created yet) is a 400 on `campaign` too.
    """
    campaign = campaign_param(params)
    level = query_text(params, "level") or campaign.coverage_level
    if level not in area_levels():
        raise ApiError(
            _("Cấp địa bàn “%(value)s” không có trong dữ liệu.")
            % {"value": level[:40]},
            code="unknown_level",
            field="level",
        )
    return campaign, level


@dataclass(frozen=True)
class AnalysisParams:
    campaign: Campaign
    resolution: int
    variable: str


def analysis_params(params) -> AnalysisParams:
    """Return the campaign, resolution and variable asked for (or the defaults).

    An unknown campaign (or none at all yet), a resolution outside 7..9 or an
    unknown variable is a 400 naming the parameter.
    """
    campaign = campaign_param(params)
    resolution = query_int(params, "resolution")
    if resolution is None:
        resolution = hexagons.default_resolution()
    elif not hexagons.RESOLUTION_MIN <= resolution <= hexagons.RESOLUTION_MAX:
        raise ApiError(
            _("resolution phải từ %(min)s đến %(max)s.")
            % {"min": hexagons.RESOLUTION_MIN, "max": hexagons.RESOLUTION_MAX},
            code="out_of_range",
            field="resolution",
        )
    variable = query_choice(params, "variable", clusters.VARIABLES) or "hotspots"
    return AnalysisParams(campaign, resolution, variable)


def chosen_campaign(params, campaigns: list[Campaign]) -> Campaign | None:
    """Return the listed campaign named by `campaign`, else the current one, else
    the first listed (a page shows a campaign whatever the parameter says)."""
    slug = params.get("campaign", "")
    for campaign in campaigns:
        if campaign.slug == slug:
            return campaign
    current = current_campaign()
    return current or (campaigns[0] if campaigns else None)
