"""GET /api/v1/coverage/: the coverage numbers per area as GeoJSON."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError
from events.campaigns.selectors import campaign_by_slug, current_campaign
from events.models import Campaign
from geo.selectors import area_levels
from maps.selectors import area_metrics, area_outlines_geojson

from .coverage import feature_collection


def campaign_param(params) -> Campaign:
    """Return the campaign named by `campaign` (a slug), else the current one."""
    slug = params.get("campaign") or ""
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
    level = params.get("level") or campaign.coverage_level
    if level not in area_levels():
        raise ApiError(
            _("Cấp địa bàn “%(value)s” không có trong dữ liệu.")
            % {"value": level[:40]},
            code="unknown_level",
            field="level",
        )
    return campaign, level


class CoverageApi(APIView):
    """The campaign's coverage per area of a level, with simplified outlines."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", OpenApiTypes.STR, description="slug"),
            OpenApiParameter("level", OpenApiTypes.STR, description="district…"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        campaign, level = coverage_params(request.query_params)
        rows = area_metrics(campaign=campaign, level=level)
        body = feature_collection(rows, area_outlines_geojson(level=level))
        body["campaign"] = campaign.slug
        body["level"] = level
        return Response(body, content_type="application/geo+json")
