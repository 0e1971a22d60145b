"""Results API: freeze and reopen (organisers), published results (everyone)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError, ReasonSerializer
from events.models import Campaign, Certificate
from events.results import services as results


def _freeze_json(freeze) -> dict:
    return {
        "id": freeze.pk,
        "frozen_at": freeze.frozen_at,
        "frozen_by": freeze.frozen_by.get_username(),
        "reopened_at": freeze.reopened_at,
        "reopen_reason": freeze.reopen_reason,
        "published_at": freeze.published_at,
        "boundary_ties": {
            category: freeze.snapshot["results"][category]["boundary_ties"]
            for category in results.CATEGORIES
        },
    }


class CampaignFreezeApi(APIView):
    """Freeze judging: snapshot every input and the results computed from it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, slug: str):
        campaign = get_object_or_404(Campaign, slug=slug)
        freeze = results.campaign_freeze(campaign=campaign, actor=request.user)
        return Response(_freeze_json(freeze), status=201)


class CampaignReopenApi(APIView):
    """Reopen judging, with a reason (recorded); certificates of that freeze are revoked."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReasonSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, slug: str):
        campaign = get_object_or_404(Campaign, slug=slug)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        freeze = results.campaign_reopen(
            campaign=campaign,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(_freeze_json(freeze))


def published_results(campaign: Campaign, request) -> dict:
    """The published prizes: rank, public entrant name, prize, amount, certificate URL."""
    freeze = results.current_freeze(campaign)
    if freeze is None or freeze.published_at is None:
        raise ApiError(
            _("Kết quả chưa được công bố."), code="not_published", status=404
        )
    certificates = {
        (c.entrant_id, c.category): c
        for c in Certificate.objects.filter(freeze=freeze, revoked_at__isnull=True)
    }
    out = {"campaign": campaign.slug, "published_at": freeze.published_at}
    for category in results.CATEGORIES:
        data = freeze.snapshot["results"][category]
        ranks = {row["entrant_id"]: row for row in data["ranking"]}
        rows = []
        for award in data["awards"]:
            entrant_id = award["entrant_id"]
            certificate = certificates.get((entrant_id, category))
            rows.append(
                {
                    "rank": ranks[entrant_id]["rank"],
                    "entrant": results.public_name(freeze, entrant_id),
                    "score": ranks[entrant_id]["points"],
                    "prize": award["label"],
                    "prize_rank": award["prize_rank"],
                    "amount_vnd": award["amount_vnd"],
                    "certificate_url": request.build_absolute_uri(
                        certificate.get_absolute_url()
                    )
                    if certificate
                    else None,
                }
            )
        out[category] = rows
    return out


class CampaignResultsApi(APIView):
    """The published results of a campaign (public once the secretary publishes)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str):
        campaign = get_object_or_404(Campaign, slug=slug)
        return Response(published_results(campaign, request))
