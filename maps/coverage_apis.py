"""GET /api/v1/coverage/: the coverage numbers per area as GeoJSON."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from config.schema import feature_collection_schema, text_parameter
from geo.geojson import MEDIA_TYPE

from . import selectors
from .coverage import feature_collection
from .params import coverage_params

COVERAGE = feature_collection_schema(
    geometry="Polygon?",
    id_type="integer",
    properties={
        "area_id": "integer",
        "name": "string",
        "code": "string",
        "level": "string",
        "approximate": "boolean",
        "hotspots_reported": "integer",
        "hotspots_verified": "integer",
        "hotspots_priority": "integer",
        "hotspots_cleaned": "integer",
        "priority_cleaned_share": "number?",
        "events": "integer",
        "verified_kg": "number",
        "participants": "integer",
        "active_entrants": "integer",
    },
    extra={"campaign": "string", "level": "string"},
    description="One feature per area of the level (id: the area), its simplified "
    "outline as geometry (null if it has none).",
)


class CoverageApi(APIView):
    """The campaign's coverage per area of a level, with simplified outlines."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            text_parameter("campaign", "slug (default: current campaign)"),
            text_parameter("level", "district… (default: the campaign's)"),
        ],
        responses={(200, MEDIA_TYPE): COVERAGE},
    )
    def get(self, request):
        campaign, level = coverage_params(request.query_params)
        rows = selectors.area_metrics(campaign=campaign, level=level)
        outlines = selectors.area_outlines_geojson(level=level, campaign=campaign)
        body = feature_collection(rows, outlines)
        body["campaign"] = campaign.slug
        body["level"] = level
        return Response(body, content_type=MEDIA_TYPE)
