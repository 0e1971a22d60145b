"""Hotspot serializers: public ones never carry a reporter's identity or contact."""

import math

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api import ReasonSerializer
from geo.geojson import FeatureSerializer, GeometryField

from .models import Category, Hotspot, HotspotHistory, LocationSource, SizeClass, Status


class PhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def _absolute(self, file) -> str:
        request = self.context.get("request")
        url = file.url
        return request.build_absolute_uri(url) if request else url

    def get_url(self, obj) -> str:
        return self._absolute(obj.image)

    def get_thumbnail_url(self, obj) -> str:
        return self._absolute(obj.thumbnail)


class AreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    level = serializers.CharField()


class HotspotFeatureSerializer(FeatureSerializer):
    """Public GeoJSON feature of a hotspot."""

    location = GeometryField()
    outline = GeometryField(read_only=True, allow_null=True)
    category_label = serializers.CharField(
        source="get_category_display", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    size_class = serializers.CharField(source="size_class.key", read_only=True)
    size_label = serializers.CharField(source="size_class.label", read_only=True)
    estimated_kg_min = serializers.IntegerField(
        source="size_class.min_kg", read_only=True
    )
    estimated_kg_max = serializers.IntegerField(
        source="size_class.max_kg", read_only=True
    )
    photos = PhotoSerializer(many=True, read_only=True)
    areas = serializers.SerializerMethodField()
    duplicate_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Hotspot
        geo_field = "location"
        id_field = False
        fields = [
            "id",
            "category",
            "category_label",
            "size_class",
            "size_label",
            "estimated_kg_min",
            "estimated_kg_max",
            "description",
            "status",
            "status_label",
            "priority",
            "score",
            "confirmation_count",
            "recurrence_count",
            "accuracy_m",
            "location_source",
            "outline",
            "areas",
            "photos",
            "duplicate_of",
            "created_at",
            "updated_at",
            "url",
        ]

    def get_areas(self, obj) -> list[dict]:
        # Largest first, as geo.selectors.areas_containing orders them.
        areas = sorted(obj.areas.all(), key=lambda a: (-a.area_km2, a.id))
        return AreaRefSerializer(areas, many=True).data

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class HotspotPageSerializer(serializers.Serializer):
    """A page of GET /api/v1/hotspots/ (the schema only: PostGIS writes the page).

    Each feature also carries its id at the top level (RFC 7946).
    """

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    count = serializers.IntegerField(
        allow_null=True, help_text="the number of matches with count=true, else null"
    )
    next = serializers.URLField(
        allow_null=True, help_text="the next page (its cursor), null on the last page"
    )
    previous = serializers.URLField(
        allow_null=True, help_text="always null: pages go forward only"
    )
    features = serializers.ListField(child=HotspotFeatureSerializer())


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = HotspotHistory
        fields = [
            "action",
            "actor",
            "from_status",
            "to_status",
            "reason",
            "details",
            "at",
        ]


class ScorePartSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.FloatField()
    explanation = serializers.CharField()


class HotspotStaffFeatureSerializer(HotspotFeatureSerializer):
    """Organisers' view: adds the reporter, contact details, history and score parts."""

    reporter = serializers.CharField(source="reporter.username", default=None)
    contact = serializers.SerializerMethodField()
    history = HistorySerializer(many=True, read_only=True)
    score_breakdown = serializers.SerializerMethodField()
    channel = serializers.CharField(read_only=True)

    class Meta(HotspotFeatureSerializer.Meta):
        fields = HotspotFeatureSerializer.Meta.fields + [
            "reporter",
            "contact",
            "channel",
            "history",
            "score_breakdown",
        ]

    def get_contact(self, obj) -> list[dict]:
        return [
            {
                "name": c.name,
                "phone": c.phone,
                "email": c.email,
                "consent_at": c.consent_at,
            }
            for c in obj.reporter_contacts.all()
        ]

    def get_score_breakdown(self, obj) -> list[dict]:
        from .selectors import hotspot_score_breakdown

        return ScorePartSerializer(hotspot_score_breakdown(obj), many=True).data


def finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise serializers.ValidationError(
            _("Phải là một số hữu hạn."), code="not_finite"
        )
    return value


class HotspotCreateSerializer(serializers.Serializer):
    """Input of a report (JSON or multipart); coordinates go through geo's gate."""

    lon = serializers.JSONField(label=_("Kinh độ"))
    lat = serializers.JSONField(label=_("Vĩ độ"))
    category = serializers.ChoiceField(choices=Category.choices, label=_("Loại"))
    size_class = serializers.SlugRelatedField(
        slug_field="key", queryset=SizeClass.objects.all(), label=_("Cỡ")
    )
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    outline = serializers.JSONField(required=False, allow_null=True, default=None)
    # A line of waste along a bank (GeoJSON LineString): stored as the outline, the
    # strip of bank BANK_STRIP_HALF_WIDTH_M either side of it (hotspots.reporting).
    bank_line = serializers.JSONField(required=False, allow_null=True, default=None)
    accuracy_m = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100_000,
        validators=[finite],
    )
    location_source = serializers.ChoiceField(
        choices=LocationSource.choices, required=False, default=LocationSource.PIN
    )
    client_uuid = serializers.UUIDField(required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_consent = serializers.BooleanField(required=False, default=False)

    def validate_contact_phone(self, value: str) -> str:
        from accounts.phones import normalize_phone

        if not value.strip():
            return ""
        phone = normalize_phone(value)
        if not phone:
            raise serializers.ValidationError(
                _("Số điện thoại không hợp lệ."), code="invalid_phone"
            )
        return phone


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, label=_("Lý do"))


class MergeSerializer(ReasonSerializer):
    into = serializers.IntegerField(min_value=1, label=_("Gộp vào"))


class PrioritySerializer(ReasonSerializer):
    priority = serializers.BooleanField(label=_("Ưu tiên"))


class CorrectSerializer(ReasonSerializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    size_class = serializers.SlugRelatedField(
        slug_field="key", queryset=SizeClass.objects.all(), required=False
    )
    lon = serializers.JSONField(required=False)
    lat = serializers.JSONField(required=False)


STATUS_CHOICES = Status.values
NEARBY_DEFAULT_RADIUS_M = settings.HOTSPOT_DUPLICATE_RADIUS_M
