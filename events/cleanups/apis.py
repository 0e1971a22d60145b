"""The cleanup-event API (/api/v1/events/): thin views over selectors and services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from accounts.access import can_see_private
from config.api import QUERY_INT_MAX, ApiError, query_date, query_int, query_text
from config.schema import ErrorSerializer, page_size_parameter, text_parameter
from events.cleanups import selectors
from events.cleanups.flags import flags_for
from events.cleanups.serializers import (
    EventCreateSerializer,
    EventFeatureSerializer,
    EventJuryFeatureSerializer,
    EventPrivateFeatureSerializer,
    event_input,
)
from events.cleanups.services import event_log
from geo.geojson import MEDIA_TYPE, as_geojson
from geo.spatial import parse_geometry, point_from_lonlat
from hotspots import photos as photo_pipeline


class EventPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def _photos(files, field: str) -> list[photo_pipeline.CleanImage]:
    """Pass one kind of photo through the pipeline, errors naming that field."""
    try:
        photo_pipeline.check_request(files)
        return [photo_pipeline.sanitize(upload) for upload in files]
    except photo_pipeline.PhotoError as exc:
        exc.field = field
        raise


def submit_event(*, data, files, user):
    """Validate an event (API or page), pass it through the gates, and log it.

    Return (event, created). Raises DRF's ValidationError or a ClientError.
    """
    serializer = EventCreateSerializer(data=event_input(data))
    serializer.is_valid(raise_exception=True)
    valid = serializer.validated_data
    location = point_from_lonlat(valid["lon"], valid["lat"])
    outline = route = None
    if valid.get("outline"):
        outline = parse_geometry(
            valid["outline"], expected=["Polygon"], field="outline"
        )
    if valid.get("route"):
        route = parse_geometry(valid["route"], expected=["LineString"], field="route")
    before = _photos(files.getlist("before_photos"), "before_photos")
    after = _photos(files.getlist("after_photos"), "after_photos")
    breakdown = valid.get("breakdown") or {}
    return event_log(
        entrant=valid["entrant"],
        user=user,
        title=valid["title"],
        location=location,
        started_at=valid["started_at"],
        ended_at=valid["ended_at"],
        participants=valid["participants"],
        weight_kg=valid["weight_kg"],
        weight_method=valid["weight_method"],
        plastic_kg=breakdown.get("plastic_kg", 0),
        water_hyacinth_kg=breakdown.get("water_hyacinth_kg", 0),
        other_kg=breakdown.get("other_kg", 0),
        bags=valid["bags"],
        hotspot_ids=valid["hotspots"],
        outline=outline,
        route=route,
        notes=valid["notes"],
        before_images=before,
        after_images=after,
        client_uuid=valid["client_uuid"],
    )


LIST_PARAMETERS = [
    text_parameter("campaign", "campaign slug"),
    OpenApiParameter(
        "entrant",
        {"type": "integer", "minimum": 0, "maximum": QUERY_INT_MAX},
        description="entrant id",
    ),
    OpenApiParameter(
        "area",
        {"type": "integer", "minimum": 0, "maximum": QUERY_INT_MAX},
        description="administrative area id",
    ),
    OpenApiParameter(
        "since", OpenApiTypes.DATE, description="started on or after (local day)"
    ),
    OpenApiParameter(
        "page", {"type": "integer", "minimum": 1}, description="1-based (default 1)"
    ),
    page_size_parameter(EventPagination.page_size, EventPagination.max_page_size),
]
EVENT_PAGE = inline_serializer(
    "EventPage",
    {
        "type": serializers.ChoiceField(choices=["FeatureCollection"]),
        "count": serializers.IntegerField(help_text="events matching, all pages"),
        "next": serializers.URLField(allow_null=True, help_text="null on the last"),
        "previous": serializers.URLField(allow_null=True),
        "features": serializers.ListField(child=EventFeatureSerializer()),
    },
)


class EventListCreateApi(APIView):
    """List events as public GeoJSON, or log one (JSON or multipart with photos).

    Organisers, judges and the secretary get each event's plausibility flags.
    """

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        operation_id="api_v1_events_list",
        parameters=LIST_PARAMETERS,
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(
                EVENT_PAGE,
                description="Organisers, judges and the secretary also get each "
                "event's `flags` and the team's name.",
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such page."),
        },
    )
    def get(self, request):
        params = request.query_params
        queryset = selectors.event_list(
            campaign_slug=query_text(params, "campaign"),
            entrant_id=query_int(params, "entrant"),
            area_id=query_int(params, "area"),
            since=query_date(params, "since", blank_is_absent=False),
        )
        paginator = EventPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        context = {"request": request}
        serializer_class = EventFeatureSerializer
        if can_see_private(request.user):
            serializer_class = EventJuryFeatureSerializer
            context.update(flags=flags_for(page), jury=True)
        serializer = serializer_class(page, many=True, context=context)
        return as_geojson(paginator.get_paginated_response(serializer.data))

    @extend_schema(
        request=EventCreateSerializer,
        responses={
            (201, MEDIA_TYPE): EventPrivateFeatureSerializer,
            (200, MEDIA_TYPE): OpenApiResponse(
                EventPrivateFeatureSerializer,
                description="Sent again (same client_uuid): the event logged before.",
            ),
        },
    )
    def post(self, request):
        event, created = submit_event(
            data=request.data, files=request.FILES, user=request.user
        )
        event = selectors.event_get(event.pk)
        body = EventPrivateFeatureSerializer(
            event,
            context={"request": request, "jury": can_see_private(request.user)},
        ).data
        return as_geojson(
            Response(
                body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
            )
        )


class EventDetailApi(APIView):
    """One event: full detail for its representative and the jury roles, else public."""

    @extend_schema(
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(
                EventPrivateFeatureSerializer,
                description="Others get the public feature (no participants, "
                "notes, outline, route, flags).",
            )
        }
    )
    def get(self, request, pk: int):
        event = selectors.event_get(pk)
        if event is None:
            raise ApiError(_("Không tìm thấy sự kiện."), code="not_found", status=404)
        context = {"request": request}
        if selectors.can_see_event_private(request.user, event):
            context["jury"] = can_see_private(request.user)
            serializer = EventPrivateFeatureSerializer(event, context=context)
        else:
            serializer = EventFeatureSerializer(event, context=context)
        return as_geojson(Response(serializer.data))
