from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.campaigns.selectors import latest_consents
from events.campaigns.services import CAMPAIGN_FIELDS, PRIZE_FIELDS
from events.models import (
    Campaign,
    ConsentPurpose,
    Entrant,
    EntrantKind,
    Prize,
    PrizeCategory,
)


class PrizeSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(choices=PrizeCategory.choices)
    rank = serializers.IntegerField(min_value=1, max_value=100)
    count = serializers.IntegerField(min_value=1, max_value=1000)
    amount_vnd = serializers.IntegerField(min_value=0, max_value=10_000_000_000)

    class Meta:
        model = Prize
        fields = list(PRIZE_FIELDS)


class CampaignSerializer(serializers.ModelSerializer):
    """Public view of a campaign (and the organisers' create input)."""

    prizes = PrizeSerializer(many=True, required=False)
    phase = serializers.CharField(read_only=True)
    phase_label = serializers.SerializerMethodField()
    scoring = serializers.JSONField(required=False)
    plausibility = serializers.JSONField(required=False)

    class Meta:
        model = Campaign
        # The service's fields, but the phase set by hand (not part of the API),
        # then what the API adds.
        fields = [
            *(name for name in CAMPAIGN_FIELDS if name != "phase_override"),
            "phase",
            "phase_label",
            "prizes",
        ]
        extra_kwargs = {"slug": {"validators": []}}

    def get_phase_label(self, obj) -> str:
        from events.models import Phase

        return str(Phase(obj.phase).label)

    def validate_scoring(self, value):
        return _object_of_numbers(value, "scoring")

    def validate_plausibility(self, value):
        return _object_of_numbers(value, "plausibility")


def _object_of_numbers(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise serializers.ValidationError(_("Phải là một đối tượng JSON."))
    for key, item in value.items():
        if isinstance(item, dict):
            _object_of_numbers(item, name)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            raise serializers.ValidationError(
                _("“%(key)s” phải là một số.") % {"key": key}, code="not_a_number"
            )
        elif item < 0 or item != item or item in (float("inf"),):
            raise serializers.ValidationError(
                _("“%(key)s” phải là số hữu hạn không âm.") % {"key": key},
                code="out_of_range",
            )
    return value


class PersonSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class RepresentativeSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    organisation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(max_length=30)
    email = serializers.EmailField()


class ConsentsSerializer(serializers.Serializer):
    participation = serializers.BooleanField(default=False)
    contact = serializers.BooleanField(default=False)
    publish = serializers.BooleanField(default=False)
    guardian = serializers.BooleanField(default=False)


class EntrantCreateSerializer(serializers.Serializer):
    campaign = serializers.SlugRelatedField(
        slug_field="slug", queryset=Campaign.objects.all()
    )
    kind = serializers.ChoiceField(choices=EntrantKind.choices)
    name = serializers.CharField(max_length=200)
    representative = RepresentativeSerializer()
    members = PersonSerializer(many=True, required=False, default=list, max_length=200)
    consents = ConsentsSerializer()


class EntrantPublicSerializer(serializers.ModelSerializer):
    """What anyone may see: no contact data, no member names."""

    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Entrant
        fields = [
            "id",
            "campaign",
            "kind",
            "kind_label",
            "name",
            "status",
            "status_label",
        ]


class EntrantPrivateSerializer(EntrantPublicSerializer):
    """For the entrant's representative and the organisers: contact, members, consents."""

    representative = serializers.SerializerMethodField()
    members = PersonSerializer(many=True, read_only=True)
    consents = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decision_reason = serializers.CharField(read_only=True)
    registered_at = serializers.DateTimeField(read_only=True)
    event_count = serializers.SerializerMethodField()

    class Meta(EntrantPublicSerializer.Meta):
        fields = EntrantPublicSerializer.Meta.fields + [
            "representative",
            "members",
            "consents",
            "registered_at",
            "decided_at",
            "decision_reason",
            "event_count",
        ]

    def get_representative(self, obj) -> dict | None:
        contact = getattr(obj, "contact", None)
        if contact is None:
            return None
        return {
            "full_name": contact.full_name,
            "date_of_birth": contact.date_of_birth,
            "organisation": contact.organisation,
            "phone": contact.phone,
            "email": contact.email,
        }

    def get_consents(self, obj) -> dict:
        latest = latest_consents(obj)
        return {
            purpose: _consent_data(latest.get(purpose))
            for purpose in ConsentPurpose.values
        }

    def get_event_count(self, obj) -> int:
        return obj.events.count()


def _consent_data(consent) -> dict | None:
    if consent is None:
        return None
    return {
        "granted": consent.granted,
        "notice_version": consent.notice_version,
        "at": consent.at,
    }
