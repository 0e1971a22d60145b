"""GET /api/v1/coverage/: the coverage numbers per area as GeoJSON."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .coverage import feature_collection
from .params import coverage_params


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
        rows = selectors.area_metrics(campaign=campaign, level=level)
        outlines = selectors.area_outlines_geojson(level=level, campaign=campaign)
        body = feature_collection(rows, outlines)
        body["campaign"] = campaign.slug
        body["level"] = level
        return Response(body, content_type="application/geo+json")
