from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError, query_date, query_text
from config.schema import ErrorSerializer, lonlat_parameters, text_parameter

from .geojson import MEDIA_TYPE, as_geojson
from .selectors import area_list, areas_in_force_containing
from .serializers import AreaBriefSerializer, AreaFeatureSerializer
from .spatial import point_from_lonlat


class AreaListApi(generics.ListAPIView):
    """Administrative areas as a GeoJSON FeatureCollection (optionally of one level)."""

    serializer_class = AreaFeatureSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            text_parameter("level", "province, district…"),
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="the units in force that day (valid_from ≤ on < valid_to); "
                "default today (Asia/Ho_Chi_Minh)",
            ),
        ],
        responses={(200, MEDIA_TYPE): AreaFeatureSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return as_geojson(super().get(request, *args, **kwargs))

    def get_queryset(self):
        params = self.request.query_params
        return area_list(
            level=query_text(params, "level"),
            on=query_date(params, "on", blank_is_absent=False) or timezone.localdate(),
        )


class AreaLocateApi(APIView):
    """The areas that contain a point, from the largest level to the smallest."""

    @extend_schema(
        parameters=lonlat_parameters(),
        responses={
            200: inline_serializer(
                "AreaLocate", {"areas": AreaBriefSerializer(many=True)}
            ),
            404: OpenApiResponse(
                ErrorSerializer, description="No area contains the point."
            ),
        },
    )
    def get(self, request):
        point = point_from_lonlat(
            request.query_params.get("lon"), request.query_params.get("lat")
        )
        areas = areas_in_force_containing(point)
        if not areas:
            raise ApiError(
                _("Không có đơn vị hành chính nào chứa điểm này."),
                code="no_area",
                status=404,
            )
        return Response({"areas": AreaBriefSerializer(areas, many=True).data})
