"""The contest API: campaigns, entrants (cleanup events live in event_apis.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOrganiser
from config.api import ApiError, ReasonSerializer, query_text
from config.schema import text_parameter
from events.campaigns import selectors, services
from events.campaigns.serializers import (
    CampaignSerializer,
    EntrantCreateSerializer,
    EntrantPrivateSerializer,
)
from events.models import Campaign, Entrant


class CampaignListApi(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [IsOrganiser()]
        return [permissions.AllowAny()]

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request):
        return Response(CampaignSerializer(selectors.campaign_list(), many=True).data)

    @extend_schema(request=CampaignSerializer, responses={201: CampaignSerializer})
    def post(self, request):
        serializer = CampaignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        prizes = [services.PrizeLine(**line) for line in data.pop("prizes", [])]
        data.pop("phase", None)
        campaign = services.campaign_create(prizes=prizes, **data)
        return Response(
            CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED
        )


class CampaignDetailApi(APIView):
    @extend_schema(responses=CampaignSerializer)
    def get(self, request, slug: str):
        campaign = selectors.campaign_list().filter(slug=slug).first()
        if campaign is None:
            raise ApiError(
                _("Không tìm thấy chiến dịch."), code="not_found", status=404
            )
        return Response(CampaignSerializer(campaign).data)


class EntrantListApi(APIView):
    def get_permissions(self):
        return [permissions.IsAuthenticated()]

    @extend_schema(
        parameters=[text_parameter("campaign", "campaign slug")],
        responses=EntrantPrivateSerializer(many=True),
    )
    def get(self, request):
        campaign = None
        slug = query_text(request.query_params, "campaign")
        if slug:
            campaign = Campaign.objects.filter(slug=slug).first()
            if campaign is None:
                raise ApiError(
                    _("Không tìm thấy chiến dịch."), code="not_found", field="campaign"
                )
        entrants = selectors.entrant_list_for(request.user, campaign=campaign)
        return Response(EntrantPrivateSerializer(entrants, many=True).data)

    @extend_schema(
        request=EntrantCreateSerializer, responses={201: EntrantPrivateSerializer}
    )
    def post(self, request):
        serializer = EntrantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entrant = services.entrant_register(
            campaign=data["campaign"],
            user=request.user,
            kind=data["kind"],
            name=data["name"],
            representative=services.Representative(**data["representative"]),
            members=[services.Person(**m) for m in data["members"]],
            consents=services.Consents(**data["consents"]),
        )
        return Response(
            EntrantPrivateSerializer(entrant).data, status=status.HTTP_201_CREATED
        )


def _entrant(pk: int) -> Entrant:
    entrant = Entrant.objects.filter(pk=pk).first()
    if entrant is None:
        raise ApiError(_("Không tìm thấy đội thi."), code="not_found", status=404)
    return entrant


class EntrantDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=EntrantPrivateSerializer)
    def get(self, request, pk: int):
        entrant = selectors.entrant_list_for(request.user).filter(pk=pk).first()
        if entrant is None:
            raise ApiError(_("Không tìm thấy đội thi."), code="not_found", status=404)
        return Response(EntrantPrivateSerializer(entrant).data)


class _EntrantDecisionApi(APIView):
    """An organiser approves or rejects a registration (with a reason)."""

    permission_classes = [IsOrganiser]
    decide = None  # the service: entrant_approve or entrant_reject

    @extend_schema(request=ReasonSerializer, responses=EntrantPrivateSerializer)
    def post(self, request, pk: int):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entrant = type(self).decide(
            entrant=_entrant(pk),
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(EntrantPrivateSerializer(entrant).data)


class EntrantApproveApi(_EntrantDecisionApi):
    decide = staticmethod(services.entrant_approve)


class EntrantRejectApi(_EntrantDecisionApi):
    decide = staticmethod(services.entrant_reject)
