"""The hotspot API (/api/v1/hotspots/): thin views over selectors and services."""

import json

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from accounts.access import IsOrganiser
from accounts.roles import Role, has_role
from config.api import QUERY_INT_MAX, ApiError, ReasonSerializer, ascii_float
from config.schema import lonlat_parameters, page_size_parameter
from geo.geojson import MEDIA_TYPE, as_geojson
from geo.spatial import point_from_lonlat

from . import pagination, selectors, services
from .filters import HotspotFilter
from .models import Category, Hotspot, Status
from .reporting import submit_report
from .serializers import (
    CorrectSerializer,
    HotspotCreateSerializer,
    HotspotFeatureSerializer,
    HotspotPageSerializer,
    HotspotStaffFeatureSerializer,
    MergeSerializer,
    PrioritySerializer,
    RejectSerializer,
)
from .throttles import ConfirmThrottle, ReportAnonThrottle, ReportUserThrottle


def feature_serializer(user):
    """Organisers see the staff view; everyone else the public one."""
    if has_role(user, Role.ORGANISER):
        return HotspotStaffFeatureSerializer
    return HotspotFeatureSerializer


NUMBER = r"-?[0-9]+(\.[0-9]+)?"
BBOX_PATTERN = f"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$"
LIST_PARAMETERS = [
    OpenApiParameter(
        "in_bbox",
        {"type": "string", "pattern": BBOX_PATTERN},
        description="minlon,minlat,maxlon,maxlat (WGS84; min below max; clipped "
        "to the service area)",
    ),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
    OpenApiParameter("priority", OpenApiTypes.BOOL),
    OpenApiParameter(
        "area",
        {"type": "integer", "minimum": 0, "maximum": QUERY_INT_MAX},
        description="administrative area id",
    ),
    OpenApiParameter(
        "since", OpenApiTypes.DATE, description="reported on or after (Huế days)"
    ),
    OpenApiParameter(
        "until", OpenApiTypes.DATE, description="reported on or before (Huế days)"
    ),
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="opaque; take it from the previous page's `next` link",
    ),
    page_size_parameter(pagination.PAGE_SIZE, pagination.MAX_PAGE_SIZE),
    OpenApiParameter(
        "count",
        OpenApiTypes.BOOL,
        description="true: the exact number of matches in `count` (a slower "
        "query); otherwise `count` is null",
    ),
]
LINK_HEADER = OpenApiParameter(
    "Link",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='RFC 8288: `<next page URL>; rel="next"`, absent on the last page',
)
REPORT_RESULT = inline_serializer(
    "HotspotReportResult",
    {
        "created": serializers.BooleanField(),
        "reopened": serializers.BooleanField(
            help_text="a cleaned hotspot at this place was reopened"
        ),
        "hotspot": HotspotFeatureSerializer(),
        "nearby": inline_serializer(
            "HotspotNearbyCollection",
            {
                "type": serializers.ChoiceField(choices=["FeatureCollection"]),
                "features": serializers.ListField(child=HotspotFeatureSerializer()),
            },
            help_text="open hotspots within the duplicate radius",
        ),
        "follow_url": serializers.URLField(
            help_text="where the reporter follows the hotspot (keep it private)"
        ),
    },
)
# An id no hotspot has, to cut the detail page's URL around (reverse needs one).
DETAIL_SENTINEL = 987654321012
# Open hotspots within the duplicate radius sent back with a new report.
REPORT_NEARBY_LIMIT = 10


def feature_urls(request) -> selectors.FeatureUrls:
    detail = request.build_absolute_uri(
        reverse("hotspots:detail", args=[DETAIL_SENTINEL])
    )
    start, end = detail.split(str(DETAIL_SENTINEL))
    media = request.build_absolute_uri(default_storage.url(""))
    return selectors.FeatureUrls(detail=(start, end), media=media)


def _staff_features(request, ids: list[int]) -> list[str]:
    """Return the organisers' features of a page (DRF's staff serializer: they
    carry contacts and history, and organisers are few)."""
    by_id = selectors.hotspot_list(user=request.user).in_bulk(ids)
    hotspots = [by_id[pk] for pk in ids if pk in by_id]
    data = HotspotStaffFeatureSerializer(
        hotspots, many=True, context={"request": request}
    ).data
    return [
        json.dumps(
            {"type": "Feature", "id": feature["properties"]["id"], **feature},
            cls=JSONEncoder,
            ensure_ascii=False,
        )
        for feature in data["features"]
    ]


def feature_collection(features: list[str], *, count, next_url) -> bytes:
    """Return the page's body: the features' text between the collection's keys."""
    head = json.dumps(
        {"type": "FeatureCollection", "count": count, "next": next_url},
        ensure_ascii=False,
    )
    body = f'{head[:-1]}, "previous": null, "features": [{",".join(features)}]}}'
    return body.encode()


class HotspotListCreateApi(APIView):
    """List hotspots (GeoJSON) or report one (JSON or multipart with photos)."""

    def get_throttles(self):
        if self.request.method == "POST":
            return [ReportAnonThrottle(), ReportUserThrottle()]
        return super().get_throttles()

    @extend_schema(
        operation_id="api_v1_hotspots_list",
        parameters=[*LIST_PARAMETERS, LINK_HEADER],
        responses={(200, MEDIA_TYPE): HotspotPageSerializer},
    )
    def get(self, request):
        """List hotspots, highest score first, as pages of GeoJSON features.

        Follow `next` (or the `Link` header) for the next page; `count` is
        null unless `count=true`.
        """
        params = request.query_params
        pagination.refuse_page_numbers(params)
        after = pagination.cursor_param(params)
        size = pagination.page_size_param(params)
        want_count = pagination.count_param(params)
        filters = HotspotFilter(
            params, queryset=selectors.hotspot_list(user=request.user)
        )
        queryset = filters.api_queryset()
        if has_role(request.user, Role.ORGANISER):
            page = selectors.hotspot_list_page(queryset, after=after, size=size)
            features = _staff_features(request, page.ids)
        else:
            page = selectors.hotspot_feature_page(
                queryset, after=after, size=size, urls=feature_urls(request)
            )
            features = page.features
        next_url = pagination.next_url(request, page.next_key)
        count = queryset.count() if want_count else None
        response = HttpResponse(
            feature_collection(features, count=count, next_url=next_url),
            content_type=MEDIA_TYPE,
        )
        if next_url:
            response["Link"] = f'<{next_url}>; rel="next"'
        return response

    @extend_schema(
        request=HotspotCreateSerializer,
        responses={
            201: REPORT_RESULT,
            200: OpenApiResponse(
                REPORT_RESULT,
                description="Sent again (same client_uuid): the hotspot reported "
                "before, nothing new.",
            ),
        },
    )
    def post(self, request):
        result = submit_report(
            data=request.data,
            files=request.FILES.getlist("photos"),
            user=request.user,
            channel="api",
        )
        replay = not result.created and not result.reopened
        hotspot = result.hotspot
        urls = feature_urls(request)
        body = {
            "created": result.created,
            "reopened": result.reopened,
            "hotspot": selectors.hotspot_feature(hotspot.pk, urls),
            "nearby": {
                "type": "FeatureCollection",
                "features": selectors.hotspot_nearby_features(
                    point=hotspot.location,
                    radius_m=settings.HOTSPOT_DUPLICATE_RADIUS_M,
                    urls=urls,
                    exclude=hotspot.pk,
                    limit=REPORT_NEARBY_LIMIT,
                ),
            },
            "follow_url": request.build_absolute_uri(
                reverse("hotspots:follow", args=[result.hotspot.follow_token])
            ),
        }
        return Response(
            body, status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED
        )


class HotspotDetailApi(APIView):
    @extend_schema(
        responses={(200, MEDIA_TYPE): HotspotFeatureSerializer},
        description="Organisers get the staff feature (HotspotStaffFeature).",
    )
    def get(self, request, pk: int):
        hotspot = selectors.hotspot_get_for_user(pk=pk, user=request.user)
        if hotspot is None:
            raise ApiError(_("Không tìm thấy điểm nóng."), code="not_found", status=404)
        serializer = feature_serializer(request.user)
        return as_geojson(
            Response(serializer(hotspot, context={"request": request}).data)
        )


class HotspotNearbyApi(APIView):
    @extend_schema(
        parameters=[
            *lonlat_parameters(),
            OpenApiParameter(
                "radius_m",
                {
                    "type": "number",
                    "exclusiveMinimum": True,
                    "minimum": 0,
                    "maximum": settings.HOTSPOT_NEARBY_MAX_RADIUS_M,
                },
                description=f"default {settings.HOTSPOT_DUPLICATE_RADIUS_M:g}",
            ),
        ],
        responses={(200, MEDIA_TYPE): HotspotFeatureSerializer(many=True)},
    )
    def get(self, request):
        params = request.query_params
        point = point_from_lonlat(params.get("lon"), params.get("lat"))
        radius = settings.HOTSPOT_DUPLICATE_RADIUS_M
        if params.get("radius_m") not in (None, ""):
            try:
                radius = ascii_float(params["radius_m"])
            except ValueError:
                radius = -1.0
            if not 0 < radius <= settings.HOTSPOT_NEARBY_MAX_RADIUS_M:
                raise ApiError(
                    _("radius_m phải lớn hơn 0 và không quá %(max)s m.")
                    % {"max": int(settings.HOTSPOT_NEARBY_MAX_RADIUS_M)},
                    code="out_of_range",
                    field="radius_m",
                )
        features = selectors.hotspot_nearby_features(
            point=point, radius_m=radius, urls=feature_urls(request)
        )
        return as_geojson(Response({"type": "FeatureCollection", "features": features}))


def _get_hotspot(pk: int) -> Hotspot:
    hotspot = Hotspot.objects.select_related("size_class").filter(pk=pk).first()
    if hotspot is None:
        raise ApiError(_("Không tìm thấy điểm nóng."), code="not_found", status=404)
    return hotspot


class HotspotConfirmApi(APIView):
    throttle_classes = [ConfirmThrottle]

    @extend_schema(
        request=None, responses={(200, MEDIA_TYPE): HotspotFeatureSerializer}
    )
    def post(self, request, pk: int):
        hotspot = selectors.hotspot_open_get(pk)
        if hotspot is None:
            raise ApiError(
                _("Không tìm thấy điểm nóng đang mở với mã này."),
                code="not_found",
                status=404,
            )
        anon_key = ""
        if not request.user.is_authenticated:
            if not request.session.session_key:
                request.session.save()
            anon_key = services.anon_key_for(request.session.session_key)
        hotspot = services.hotspot_confirm(
            hotspot=hotspot, user=request.user, anon_key=anon_key
        )
        feature = HotspotFeatureSerializer(hotspot, context={"request": request}).data
        if not selectors.hotspot_visible(hotspot=hotspot, user=request.user):
            # Confirmed from nearby: shown as nearby shows it.
            feature = selectors.redact_unmoderated(feature)
        return as_geojson(Response(feature))


class OrganiserActionApi(APIView):
    """An organiser's action on one hotspot; subclasses define `perform`."""

    permission_classes = [IsOrganiser]
    input_serializer = ReasonSerializer

    def post(self, request, pk: int):
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hotspot = self.perform(request, _get_hotspot(pk), serializer.validated_data)
        hotspot = selectors.hotspot_get_for_user(pk=hotspot.pk, user=request.user)
        return as_geojson(
            Response(
                HotspotStaffFeatureSerializer(
                    hotspot, context={"request": request}
                ).data
            )
        )


@extend_schema_view(
    post=extend_schema(
        request=ReasonSerializer,
        responses={(200, MEDIA_TYPE): HotspotStaffFeatureSerializer},
    )
)
class HotspotVerifyApi(OrganiserActionApi):
    def perform(self, request, hotspot, data):
        return services.hotspot_verify(
            hotspot=hotspot, actor=request.user, reason=data["reason"]
        )


@extend_schema_view(
    post=extend_schema(
        request=RejectSerializer,
        responses={(200, MEDIA_TYPE): HotspotStaffFeatureSerializer},
    )
)
class HotspotRejectApi(OrganiserActionApi):
    input_serializer = RejectSerializer

    def perform(self, request, hotspot, data):
        return services.hotspot_reject(
            hotspot=hotspot, actor=request.user, reason=data["reason"]
        )


@extend_schema_view(
    post=extend_schema(
        request=MergeSerializer,
        responses={(200, MEDIA_TYPE): HotspotStaffFeatureSerializer},
    )
)
class HotspotMergeApi(OrganiserActionApi):
    input_serializer = MergeSerializer

    def perform(self, request, hotspot, data):
        into = Hotspot.objects.filter(pk=data["into"]).first()
        if into is None:
            raise ApiError(
                _("Không tìm thấy điểm nóng để gộp vào."),
                code="not_found",
                field="into",
            )
        services.hotspot_merge(
            duplicate=hotspot, into=into, actor=request.user, reason=data["reason"]
        )
        return hotspot


@extend_schema_view(
    post=extend_schema(
        request=PrioritySerializer,
        responses={(200, MEDIA_TYPE): HotspotStaffFeatureSerializer},
    )
)
class HotspotPriorityApi(OrganiserActionApi):
    input_serializer = PrioritySerializer

    def perform(self, request, hotspot, data):
        return services.hotspot_set_priority(
            hotspot=hotspot,
            actor=request.user,
            priority=data["priority"],
            reason=data["reason"],
        )


@extend_schema_view(
    post=extend_schema(
        request=CorrectSerializer,
        responses={(200, MEDIA_TYPE): HotspotStaffFeatureSerializer},
    )
)
class HotspotCorrectApi(OrganiserActionApi):
    input_serializer = CorrectSerializer

    def perform(self, request, hotspot, data):
        location = None
        if "lon" in data or "lat" in data:
            location = point_from_lonlat(data.get("lon"), data.get("lat"))
        return services.hotspot_correct(
            hotspot=hotspot,
            actor=request.user,
            category=data.get("category"),
            size_class=data.get("size_class"),
            location=location,
            reason=data["reason"],
        )
