"""Cleanup-event serializers: input shaping, the public feature, the private one.

The public feature carries no personal data: no participant names, no notes (free
text may name people), no contact data, no outline or route (a route can be a
person's GPS track); the entrant's name only with its publish consent. The
private feature (the representative, organisers, judges, the secretary) is a
superset of the public one, so a client reads one shape.
"""

import json

from django.urls import NoReverseMatch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.campaigns.selectors import latest_consent
from events.cleanups.flags import event_flags
from events.cleanups.services import MAX_HOTSPOTS, MAX_NAME_LENGTH, MAX_PARTICIPANTS
from events.fields import kg_field as _kg_field
from events.models import CleanupEvent, ConsentPurpose, Entrant, WeightMethod
from geo.geojson import FeatureSerializer, GeometryField
from geo.serializers import AreaBriefSerializer

# Multipart sends lists as repeated fields (or one JSON string); JSON sends arrays.
LIST_FIELDS = ("participants", "hotspots")
BREAKDOWN_FIELDS = ("plastic_kg", "water_hyacinth_kg", "other_kg")
# Free text where an empty string is a value, not "not sent".
TEXT_FIELDS = ("title", "notes")
INPUT_FIELDS = (
    "entrant",
    "title",
    "lon",
    "lat",
    "started_at",
    "ended_at",
    "weight_kg",
    "weight_method",
    "bags",
    "client_uuid",
    "outline",
    "route",
    "notes",
)


class BreakdownSerializer(serializers.Serializer):
    plastic_kg = _kg_field(required=False, default=0)
    water_hyacinth_kg = _kg_field(required=False, default=0)
    other_kg = _kg_field(required=False, default=0)


class EventCreateSerializer(serializers.Serializer):
    """Input of POST /api/v1/events/; coordinates and geometries go through geo's gate."""

    entrant = serializers.PrimaryKeyRelatedField(
        queryset=Entrant.objects.select_related("campaign")
    )
    title = serializers.CharField(max_length=200, label=_("Tên sự kiện"))
    lon = serializers.JSONField(label=_("Kinh độ"))
    lat = serializers.JSONField(label=_("Vĩ độ"))
    started_at = serializers.DateTimeField(label=_("Bắt đầu"))
    ended_at = serializers.DateTimeField(label=_("Kết thúc"))
    participants = serializers.ListField(
        child=serializers.CharField(
            allow_blank=True, max_length=MAX_NAME_LENGTH, trim_whitespace=False
        ),
        max_length=MAX_PARTICIPANTS,
        label=_("Người tham gia"),
    )
    weight_kg = _kg_field(label=_("Tổng khối lượng (kg)"))
    weight_method = serializers.ChoiceField(choices=WeightMethod.choices)
    breakdown = BreakdownSerializer(required=False)
    bags = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, default=0
    )
    hotspots = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=MAX_HOTSPOTS,
        required=False,
        default=list,
    )
    client_uuid = serializers.UUIDField(required=False, allow_null=True, default=None)
    outline = serializers.JSONField(required=False, allow_null=True, default=None)
    route = serializers.JSONField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


def event_input(data) -> dict:
    """Return the request's data as EventCreateSerializer expects it.

    JSON bodies pass through (flat breakdown keys are folded in if `breakdown` is
    absent). Multipart bodies: lists come as repeated fields or one JSON string,
    `breakdown` as a JSON string or the flat `plastic_kg`… fields the page sends,
    and empty optional fields count as not sent.
    """
    if not hasattr(data, "getlist"):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [gettext("Dữ liệu phải là một đối tượng JSON.")]}
            )
        out = dict(data)
        if "breakdown" not in out and any(k in out for k in BREAKDOWN_FIELDS):
            out["breakdown"] = {k: out[k] for k in BREAKDOWN_FIELDS if k in out}
        return out
    out: dict = {}
    for key in INPUT_FIELDS:
        value = data.get(key)
        if value is None or (value == "" and key not in TEXT_FIELDS):
            continue
        out[key] = value
    for key in LIST_FIELDS:
        values = [v for v in data.getlist(key) if isinstance(v, str)]
        if len(values) == 1 and values[0].lstrip().startswith("["):
            parsed = _json_list(values[0])
            # A lone name that merely starts with "[" stays a name.
            values = parsed if parsed is not None else values
        if key in data or values:
            out[key] = values
    if data.get("breakdown"):
        out["breakdown"] = _json(data["breakdown"], "breakdown")
    else:
        parts = {k: data[k] for k in BREAKDOWN_FIELDS if data.get(k) not in (None, "")}
        if parts:
            out["breakdown"] = parts
    return out


def _json_list(text: str) -> list | None:
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, list) else None


def _json(text: str, field: str):
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise serializers.ValidationError(
            {field: [gettext("Không đọc được JSON.")]}, code="malformed"
        ) from None


def _reject_constant(name: str):
    raise ValueError(name)


# --- output -------------------------------------------------------------------


def public_entrant_name(entrant: Entrant, publish_granted: bool | None) -> str:
    """Return the entrant's name if it agreed to publish it, else a neutral label."""
    if publish_granted:
        return entrant.name
    return gettext("Đội thi #%(id)s") % {"id": entrant.pk}


def _publish_granted(event: CleanupEvent) -> bool:
    if hasattr(event, "publish_granted"):  # annotated by event_selectors
        return bool(event.publish_granted)
    return latest_consent(event.entrant, ConsentPurpose.PUBLISH)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


class EventFeatureSerializer(FeatureSerializer):
    """Public GeoJSON feature of a cleanup event (no personal data)."""

    location = GeometryField()
    entrant_name = serializers.SerializerMethodField()
    campaign = serializers.CharField(source="entrant.campaign.slug", read_only=True)
    participant_count = serializers.SerializerMethodField()
    weight_kg = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, read_only=True
    )
    weight_method_label = serializers.CharField(
        source="get_weight_method_display", read_only=True
    )
    breakdown = serializers.SerializerMethodField()
    hotspots = serializers.SerializerMethodField()
    areas = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = CleanupEvent
        geo_field = "location"
        id_field = False  # "id" stays among the properties
        fields = [
            "id",
            "title",
            "entrant",
            "entrant_name",
            "campaign",
            "started_at",
            "ended_at",
            "participant_count",
            "weight_kg",
            "weight_method",
            "weight_method_label",
            "breakdown",
            "bags",
            "hotspots",
            "areas",
            "photos",
            "status",
            "status_label",
            "url",
        ]

    def get_entrant_name(self, obj) -> str:
        return public_entrant_name(obj.entrant, _publish_granted(obj))

    def get_participant_count(self, obj) -> int:
        if hasattr(obj, "participant_count"):  # annotated by event_selectors
            return obj.participant_count
        return obj.participants.count()

    def get_breakdown(self, obj) -> dict:
        return {name: float(getattr(obj, name)) for name in BREAKDOWN_FIELDS}

    def get_hotspots(self, obj) -> list[int]:
        return sorted(hotspot.pk for hotspot in obj.hotspots.all())

    def get_areas(self, obj) -> list[dict]:
        # Largest first, as geo.selectors.areas_containing orders them.
        areas = sorted(obj.areas.all(), key=lambda a: (-a.area_km2, a.id))
        return AreaBriefSerializer(areas, many=True).data

    def get_photos(self, obj) -> list[dict]:
        request = self.context.get("request")
        return [
            {"kind": p.kind, "thumbnail_url": _absolute(request, p.thumbnail.url)}
            for p in obj.photos.all()
        ]

    def get_url(self, obj) -> str | None:
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:  # the event pages are not routed in every setup
            return None
        return _absolute(self.context.get("request"), url)


class FlagsMixin(serializers.Serializer):
    """Plausibility flags: from context["flags"] (a page, computed in one go) or
    computed for the one event. Details (other events' ids, names) only for the
    jury roles: a representative sees the explanation, not other entrants' data."""

    flags = serializers.SerializerMethodField()

    def get_flags(self, obj) -> list[dict]:
        page = self.context.get("flags")
        found = page[obj.pk] if page is not None else event_flags(obj)
        jury = self.context.get("jury", False)
        return [
            {
                "code": f.code,
                "message": f.message,
                **({"details": f.details} if jury else {}),
            }
            for f in found
        ]


class EventJuryFeatureSerializer(FlagsMixin, EventFeatureSerializer):
    """The list as organisers, judges and the secretary see it: names and flags."""

    class Meta(EventFeatureSerializer.Meta):
        fields = EventFeatureSerializer.Meta.fields + ["flags"]

    def get_entrant_name(self, obj) -> str:
        return obj.entrant.name


class EventPrivateFeatureSerializer(FlagsMixin, EventFeatureSerializer):
    """Full detail for the representative and the jury roles (personal data)."""

    outline = GeometryField(read_only=True, allow_null=True)
    route = GeometryField(read_only=True, allow_null=True)
    participants = serializers.SerializerMethodField()

    class Meta(EventFeatureSerializer.Meta):
        fields = EventFeatureSerializer.Meta.fields + [
            "participants",
            "notes",
            "outline",
            "route",
            "flags",
            "created_at",
            "updated_at",
        ]

    def get_entrant_name(self, obj) -> str:
        return obj.entrant.name

    def get_participants(self, obj) -> list[dict]:
        return [
            {"full_name": p.full_name, "member": p.member_id}
            for p in obj.participants.all()
        ]

    def get_photos(self, obj) -> list[dict]:
        request = self.context.get("request")
        return [
            {
                "kind": p.kind,
                "url": _absolute(request, p.image.url),
                "thumbnail_url": _absolute(request, p.thumbnail.url),
                "width": p.width,
                "height": p.height,
            }
            for p in obj.photos.all()
        ]
