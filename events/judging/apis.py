"""The jury's API: a judge's decision on an event (POST .../review/), the event's
audit trail (GET .../decisions/), requests for more information (GET/POST
.../info-requests/), the leaderboards (a page at a time) and one
entrant's breakdown (GET .../leaderboard/<entrant id>/). Thin views: the judging
service decides and raises ContestError, which config.api renders in the one
error shape.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsJudge, IsJury
from config.api import ApiError, query_choice
from events.errors import ContestError
from events.fields import kg_field
from events.judging.selectors import info_requests
from events.judging.services import event_decide, event_request_info
from events.models import (
    INFO_MESSAGE_MAX_LENGTH,
    Campaign,
    CleanupEvent,
    EventDecision,
    EventInfoRequest,
    PrizeCategory,
    ResultFreeze,
    Verdict,
    WeightMethod,
)
from events.results.explain import shown
from events.results.presenters import PAGE_SIZE, BoardRow, board_rows, breakdown
from events.results.scoring import Line
from events.results.selectors import Board, prize_slots, standing_get
from events.results.serializers import (
    EntrantBreakdownSerializer,
    LeaderboardSerializer,
)
from events.results.services import CATEGORIES, current_freeze, public_name


class DecisionSerializer(serializers.ModelSerializer):
    """One line of the audit trail: who, when, what, before → after, why."""

    judge = serializers.CharField(source="judge.get_username", read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)
    verified = serializers.SerializerMethodField()

    class Meta:
        model = EventDecision
        fields = [
            "id",
            "event",
            "judge",
            "verdict",
            "verdict_label",
            "verified",
            "reason",
            "before",
            "after",
            "at",
        ]

    def get_verified(self, obj) -> dict:
        return {
            "weight_kg": str(obj.verified_weight_kg),
            "plastic_kg": str(obj.verified_plastic_kg),
            "water_hyacinth_kg": str(obj.verified_water_hyacinth_kg),
            "other_kg": str(obj.verified_other_kg),
            "method": obj.verified_method,
        }


def _event(pk: int) -> CleanupEvent:
    event = CleanupEvent.objects.filter(pk=pk).first()
    if event is None:
        raise ApiError(_("Không tìm thấy sự kiện."), code="not_found", status=404)
    return event


class EventDecisionsApi(APIView):
    """The event's audit trail (jury roles); judges decide through EventReviewApi."""

    permission_classes = [IsJury]

    @extend_schema(responses=DecisionSerializer(many=True))
    def get(self, request, pk: int):
        event = _event(pk)
        decisions = (
            EventDecision.objects.filter(event=event)
            .select_related("judge")
            .order_by("at", "id")
        )
        return Response(DecisionSerializer(decisions, many=True).data)


class BoardPagination(PageNumberPagination):
    """Pages of a leaderboard: ?page=N (from 1), ?page_size up to 200."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200


def _campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise ApiError(_("Không tìm thấy chiến dịch."), code="not_found", status=404)
    return campaign


def _paged(paginator: BoardPagination, results: list) -> dict:
    return {
        "count": paginator.page.paginator.count,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "results": results,
    }


def _result(row: BoardRow, url: str) -> dict:
    prize = None
    if row.prize_label:
        prize = {
            "rank": row.prize_rank,
            "label": row.prize_label,
            "amount_vnd": row.prize_amount_vnd,
            "amount": row.prize_amount,
        }
    return {
        "rank": row.rank,
        "category": row.category,
        "entrant": {
            "id": row.entrant.pk,
            "name": row.entrant.name,
            "kind": row.entrant.kind,
        },
        "score": str(row.points),
        "event_points": str(row.event_points),
        "coverage_bonus": str(row.coverage_bonus),
        "areas": row.areas,
        "priority_weighted_kg": str(row.priority_weighted_kg),
        "last_event_end": row.last_event_end.isoformat()
        if row.last_event_end
        else None,
        "prize": prize,
        "boundary_tie": row.boundary_tie,
        "tied_with": list(row.tied_with),
        # The events' lines: one entrant at a time, from breakdown_url.
        "breakdown": {"lines": [line.as_json() for line in row.lines]},
        "breakdown_url": url,
    }


CATEGORY_PARAMETER = OpenApiParameter(
    "category",
    OpenApiTypes.STR,
    enum=PrizeCategory.values,
    description="collective | individual (default: both, collective first)",
)
NOTE = _(
    "Chỉ sự kiện đã được duyệt hoặc điều chỉnh được tính điểm; "
    "sự kiện chưa chấm và sự kiện bị loại tính 0 điểm."
)


class LeaderboardApi(APIView):
    """The leaderboards, a page at a time: live for the jury roles (the stored
    standings; each entrant's events' breakdown at its breakdown_url); for
    everyone else the published results (from the frozen snapshot, names only
    with consent), else 403."""

    @extend_schema(
        operation_id="api_v1_campaigns_leaderboard_list",
        parameters=[
            CATEGORY_PARAMETER,
            OpenApiParameter("page", OpenApiTypes.INT, description="From 1."),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="Default 50, at most 200."
            ),
        ],
        responses=LeaderboardSerializer,
    )
    def get(self, request, slug: str):
        category = query_choice(request.query_params, "category", PrizeCategory.values)
        campaign = _campaign(slug)
        categories = [category] if category else list(PrizeCategory.values)
        paginator = BoardPagination()
        if not IsJury().has_permission(request, self):
            return Response(_published_board(campaign, categories, paginator, request))
        board = Board(campaign, category, prize_slots(campaign))
        page = paginator.paginate_queryset(board, request, view=self)
        rows = board_rows(page, board.allocations)  # set by the page's query
        # An entrant's breakdown is at <this board>/<entrant id>/ (api_urls):
        # one reverse() for the page, not one per row.
        board = request.build_absolute_uri(
            reverse("api:events-api:leaderboard", args=[campaign.slug])
        )
        return Response(
            {
                "campaign": campaign.slug,
                "note": str(NOTE),
                **_paged(
                    paginator,
                    [_result(row, f"{board}{row.entrant.pk}/") for row in rows],
                ),
            }
        )


def _published(campaign: Campaign) -> ResultFreeze:
    freeze = current_freeze(campaign)
    if freeze is None or freeze.published_at is None:
        raise ApiError(
            _("Bảng xếp hạng chỉ công khai sau khi kết quả được công bố."),
            code="not_published",
            status=403,
        )
    return freeze


def _published_board(
    campaign: Campaign, categories: list[str], paginator: BoardPagination, request
) -> dict:
    freeze = _published(campaign)
    results = freeze.snapshot["results"]
    ranked = [
        (category, row)
        for category in categories
        for row in results[category]["ranking"]
    ]
    page = paginator.paginate_queryset(ranked, request)
    awards = {
        category: {a["entrant_id"]: a for a in results[category]["awards"]}
        for category in categories
    }
    rows = []
    for category, row in page:
        award = awards[category].get(row["entrant_id"])
        rows.append(
            {
                "rank": row["rank"],
                "category": category,
                "entrant": {
                    "id": row["entrant_id"],
                    "name": public_name(freeze, row["entrant_id"]),
                },
                "score": row["points"],
                "event_points": row["event_points"],
                "coverage_bonus": row["coverage_bonus"],
                "areas": row["areas"],
                "priority_weighted_kg": row["priority_weighted_kg"],
                "prize": {
                    "rank": award["prize_rank"],
                    "label": award["label"],
                    "amount_vnd": award["amount_vnd"],
                }
                if award
                else None,
                "breakdown": _frozen_breakdown(row),
            }
        )
    return {
        "campaign": campaign.slug,
        "published_at": freeze.published_at,
        **_paged(paginator, rows),
    }


def _frozen_breakdown(row: dict) -> dict:
    """A frozen ranking row's breakdown in the one JSON shape."""
    return {
        "lines": _shown_json(row["lines"]),
        "events": [
            {
                "event": event["event_id"],
                "points": event["points"],
                "lines": _shown_json(event["lines"]),
            }
            for event in row["events"]
        ],
    }


def _shown_json(lines: list[dict]) -> list[dict]:
    """Frozen breakdown lines in the one JSON shape, worded in the request's language."""
    return [shown(Line.from_json(line)).as_json() for line in lines]


class LeaderboardEntrantApi(APIView):
    """One entrant's breakdown (its lines and each event's), on demand: live for
    the jury roles, from the stored points; for everyone else from the published
    results, else 403 — the leaderboard's own rules."""

    @extend_schema(responses=EntrantBreakdownSerializer)
    def get(self, request, slug: str, entrant_id: int):
        campaign = _campaign(slug)
        if not IsJury().has_permission(request, self):
            return Response(_published_breakdown(campaign, entrant_id))
        standing = standing_get(campaign, entrant_id)
        if standing is None:
            raise _not_on_board()
        shown_ = breakdown(standing)
        return Response(
            {
                "campaign": campaign.slug,
                "category": shown_.category,
                "entrant": {
                    "id": shown_.entrant.pk,
                    "name": shown_.entrant.name,
                    "kind": shown_.entrant.kind,
                },
                "score": str(shown_.points),
                "breakdown": {
                    "lines": [line.as_json() for line in shown_.lines],
                    "events": [
                        {
                            "event": event.event_id,
                            "title": event.title,
                            "points": str(event.points),
                            "priority_weighted_kg": str(event.priority_weighted_kg),
                            "lines": [line.as_json() for line in event.lines],
                        }
                        for event in shown_.events
                    ],
                },
            }
        )


def _not_on_board() -> ApiError:
    return ApiError(
        _("Đội thi này không có trong bảng xếp hạng."), code="not_found", status=404
    )


def _published_breakdown(campaign: Campaign, entrant_id: int) -> dict:
    freeze = _published(campaign)
    for category in CATEGORIES:
        for row in freeze.snapshot["results"][category]["ranking"]:
            if row["entrant_id"] == entrant_id:
                return {
                    "campaign": campaign.slug,
                    "category": category,
                    "entrant": {
                        "id": entrant_id,
                        "name": public_name(freeze, entrant_id),
                    },
                    "score": row["points"],
                    "breakdown": _frozen_breakdown(row),
                }
    raise _not_on_board()


class BreakdownInputSerializer(serializers.Serializer):
    plastic_kg = kg_field(required=False, allow_null=True, default=None)
    water_hyacinth_kg = kg_field(required=False, allow_null=True, default=None)
    other_kg = kg_field(required=False, allow_null=True, default=None)


class ReviewInputSerializer(serializers.Serializer):
    """The review contract: decision, verified figures (for adjust), reason."""

    decision = serializers.ChoiceField(choices=Verdict.choices)
    verified_weight_kg = kg_field(required=False, allow_null=True, default=None)
    verified_breakdown = BreakdownInputSerializer(required=False, default=dict)
    verified_method = serializers.ChoiceField(
        choices=WeightMethod.choices, required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


# The service names fields by its own arguments; this endpoint by the contract's.
REVIEW_FIELDS = {
    "weight_kg": "verified_weight_kg",
    "method": "verified_method",
    "breakdown": "verified_breakdown",
    "plastic_kg": "verified_breakdown.plastic_kg",
    "water_hyacinth_kg": "verified_breakdown.water_hyacinth_kg",
    "other_kg": "verified_breakdown.other_kg",
}


class EventReviewApi(APIView):
    """A judge's decision on an event: approve, adjust (verified figures) or reject."""

    permission_classes = [IsJudge]

    @extend_schema(request=ReviewInputSerializer, responses={201: DecisionSerializer})
    def post(self, request, pk: int):
        event = _event(pk)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        breakdown = data["verified_breakdown"] or {}
        try:
            decision = event_decide(
                event=event,
                judge=request.user,
                verdict=data["decision"],
                reason=data["reason"],
                weight_kg=data["verified_weight_kg"],
                plastic_kg=breakdown.get("plastic_kg"),
                water_hyacinth_kg=breakdown.get("water_hyacinth_kg"),
                other_kg=breakdown.get("other_kg"),
                method=data["verified_method"],
            )
        except ContestError as exc:
            exc.field = REVIEW_FIELDS.get(exc.field, exc.field)
            raise
        return Response(
            DecisionSerializer(decision).data, status=status.HTTP_201_CREATED
        )


# --- "needs more information" ------------------------------------------------------


class InfoRequestSerializer(serializers.ModelSerializer):
    """A request of the jury and, once given, the team's answer (who, when, photos)."""

    requested_by = serializers.CharField(
        source="requested_by.get_username", read_only=True
    )
    answered_by = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = EventInfoRequest
        fields = [
            "id",
            "event",
            "requested_by",
            "message",
            "requested_at",
            "answer_note",
            "answered_by",
            "answered_at",
            "photos",
        ]

    def get_answered_by(self, obj) -> str | None:
        return obj.answered_by.get_username() if obj.answered_by else None

    def get_photos(self, obj) -> list[dict]:
        return [
            {"kind": p.kind, "url": p.image.url, "thumbnail": p.thumbnail.url}
            for p in obj.photos.all()
        ]


class InfoRequestInputSerializer(serializers.Serializer):
    # Blank passes here so the service names the field (required) in the one shape.
    message = serializers.CharField(
        allow_blank=True, max_length=INFO_MESSAGE_MAX_LENGTH
    )


class EventInfoRequestsApi(APIView):
    """The event's requests for more information (jury roles); judges and
    organisers ask for more (POST): the event waits as needs_info until the team
    answers on its event page."""

    permission_classes = [IsJury]

    @extend_schema(responses=InfoRequestSerializer(many=True))
    def get(self, request, pk: int):
        event = _event(pk)
        return Response(InfoRequestSerializer(info_requests(event), many=True).data)

    @extend_schema(
        request=InfoRequestInputSerializer, responses={201: InfoRequestSerializer}
    )
    def post(self, request, pk: int):
        event = _event(pk)
        serializer = InfoRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asked = event_request_info(
            event=event,
            user=request.user,
            message=serializer.validated_data["message"],
        )
        return Response(
            InfoRequestSerializer(asked).data, status=status.HTTP_201_CREATED
        )
