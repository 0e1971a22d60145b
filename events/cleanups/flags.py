"""Plausibility flags for the jury: what in a cleanup event looks odd, and why.

Flags explain; they never refuse or change anything (plan 1518 asks for honest
reporting, the jury decides). Thresholds come from the event's campaign
(`Campaign.plausibility`), the documented defaults filling any gap.

`flags_for(events)` answers for a whole page of events in a fixed number of
queries (four), whatever the page size: the cross-event facts (an entrant's
weights, overlapping events' participants, claimed hotspots with their distance,
the campaign's photo hashes) are loaded once and compared in Python. Events
should come with `entrant__campaign` selected.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import imagehash
from django.contrib.gis.db.models.functions import Distance
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.cleanups.services import name_key, thresholds, window_violation
from events.models import CleanupEvent, EventPhoto, Participant, WeightMethod
from geo.spatial import envelope
from hotspots.models import Status

ROUND_KG = Decimal(10)
MAX_NAMES_IN_MESSAGE = 5


# What the jury reads for each flag's code (the code stays in the API and data).
FLAG_LABELS = {
    "kg_per_participant_hour": gettext_lazy("Khối lượng mỗi người mỗi giờ cao"),
    "round_weights": gettext_lazy("Khối lượng số tròn"),
    "participant_overlap": gettext_lazy("Người tham gia trùng sự kiện khác"),
    "far_from_hotspots": gettext_lazy("Xa điểm nóng đã nhận"),
    "claimed_unverified": gettext_lazy("Nhận điểm nóng chưa xác minh"),
    "weight_above_size_class": gettext_lazy("Khối lượng vượt cỡ điểm nóng"),
    "duplicate_photo": gettext_lazy("Ảnh trùng lặp"),
    "estimated_without_photo": gettext_lazy("Ước tính khối lượng nhưng không có ảnh"),
    "outside_window": gettext_lazy("Ngoài thời gian cuộc thi"),
    "outside_envelope": gettext_lazy("Ngoài vùng phục vụ"),
}


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    details: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Return the flag's name for people, in the active language."""
        return str(FLAG_LABELS.get(self.code, self.code))


def event_flags(event: CleanupEvent) -> list[Flag]:
    """Return the plausibility flags of one event."""
    return flags_for([event])[event.pk]


def flags_for(events: Iterable[CleanupEvent]) -> dict[int, list[Flag]]:
    """Return each event's flags, keyed by event id."""
    events = list(events)
    if not events:
        return {}
    facts = _Facts.load(events)
    return {event.pk: _flags(event, facts) for event in events}


# --- the facts one page of events needs ---------------------------------------


@dataclass
class _Span:
    event_id: int
    campaign_id: int
    started_at: object
    ended_at: object


@dataclass
class _Facts:
    # entrant id -> Counter of its events' round weights (kg)
    round_weights: dict[int, Counter]
    # event id -> participant name keys (with the name as written)
    names: dict[int, dict[str, str]]
    spans: dict[int, _Span]
    # name key -> ids of events (in the loaded span) listing that name
    events_by_name: dict[str, set[int]]
    # event id -> [(hotspot id, size class max kg, distance in metres)]
    hotspots: dict[int, list[tuple[int, int, float]]]
    # event id -> ids of claimed hotspots no organiser has verified yet
    unverified: dict[int, list[int]]
    # event id -> [(photo id, hash as int or None)]
    photos: dict[int, list[tuple[int, int | None]]]
    # campaign id -> [(photo id, event id, hash as int)]
    campaign_photos: dict[int, list[tuple[int, int, int]]]

    @classmethod
    def load(cls, events: Sequence[CleanupEvent]) -> "_Facts":
        ids = [event.pk for event in events]
        entrant_ids = {event.entrant_id for event in events}
        campaign_ids = {event.entrant.campaign_id for event in events}

        round_weights: dict[int, Counter] = defaultdict(Counter)
        for entrant_id, weight in CleanupEvent.objects.filter(
            entrant_id__in=entrant_ids
        ).values_list("entrant_id", "weight_kg"):
            if weight > 0 and weight % ROUND_KG == 0:
                round_weights[entrant_id][weight] += 1

        # Every participant of every event of these campaigns that overlaps the
        # page's time span: the page's own participants are among them.
        start = min(event.started_at for event in events)
        end = max(event.ended_at for event in events)
        names: dict[int, dict[str, str]] = defaultdict(dict)
        spans: dict[int, _Span] = {}
        events_by_name: dict[str, set[int]] = defaultdict(set)
        rows = Participant.objects.filter(
            event__entrant__campaign_id__in=campaign_ids,
            event__started_at__lt=end,
            event__ended_at__gt=start,
        ).values_list(
            "event_id",
            "full_name",
            "event__entrant__campaign_id",
            "event__started_at",
            "event__ended_at",
        )
        for event_id, full_name, campaign_id, started_at, ended_at in rows:
            key = name_key(full_name)
            names[event_id].setdefault(key, full_name)
            events_by_name[key].add(event_id)
            spans.setdefault(
                event_id, _Span(event_id, campaign_id, started_at, ended_at)
            )

        # Distances on the sphere in metres (ST_DistanceSphere on WGS84 points),
        # the same measure as hotspots' near().
        hotspots: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        links = (
            CleanupEvent.hotspots.through.objects.filter(cleanupevent_id__in=ids)
            .annotate(distance=Distance("hotspot__location", "cleanupevent__location"))
            .values_list(
                "cleanupevent_id",
                "hotspot_id",
                "hotspot__size_class__max_kg",
                "distance",
                "hotspot__status",
            )
            .order_by("cleanupevent_id", "hotspot_id")
        )
        unverified: dict[int, list[int]] = defaultdict(list)
        for event_id, hotspot_id, max_kg, distance, status in links:
            hotspots[event_id].append((hotspot_id, max_kg, distance.m))
            if status == Status.CLEANED_UNVERIFIED:
                unverified[event_id].append(hotspot_id)

        photos: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
        campaign_photos: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        rows = (
            EventPhoto.objects.filter(event__entrant__campaign_id__in=campaign_ids)
            .values_list("id", "event_id", "phash", "event__entrant__campaign_id")
            .order_by("event_id", "id")
        )
        for photo_id, event_id, phash, campaign_id in rows:
            value = _hash_int(phash)
            photos[event_id].append((photo_id, value))
            if value is not None:
                campaign_photos[campaign_id].append((photo_id, event_id, value))
        return cls(
            round_weights=round_weights,
            names=names,
            spans=spans,
            events_by_name=events_by_name,
            hotspots=hotspots,
            unverified=unverified,
            photos=photos,
            campaign_photos=campaign_photos,
        )


def _hash_int(phash: str) -> int | None:
    """Return a hex perceptual hash as an int (XOR + popcount = Hamming distance)."""
    if not phash:
        return None
    try:
        # hex_to_hash checks the hex; an int compares ~50x faster than numpy arrays,
        # which matters when a page is compared with a whole campaign's photos.
        return int(str(imagehash.hex_to_hash(phash)), 16)
    except ValueError:
        return None


# --- the checks ----------------------------------------------------------------


def _flags(event: CleanupEvent, facts: _Facts) -> list[Flag]:
    limits = thresholds(event.entrant.campaign)
    checks = (
        _kg_per_participant_hour,
        _round_weights,
        _participant_overlap,
        _far_from_hotspots,
        _claimed_unverified,
        _weight_above_size_class,
        _duplicate_photo,
        _estimated_without_photo,
        _outside_window,
        _outside_envelope,
    )
    return [flag for check in checks if (flag := check(event, facts, limits))]


def _num(value, places: int = 1) -> str:
    """Return a number for a message: at most `places` decimals, no trailing zeros."""
    text = f"{float(value):,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _kg_per_participant_hour(event, facts: _Facts, limits: dict) -> Flag | None:
    people = len(facts.names.get(event.pk, {}))
    hours = event.duration_hours
    if people == 0 or hours <= 0:
        return None
    rate = float(event.weight_kg) / (people * hours)
    limit = float(limits["max_kg_per_participant_hour"])
    if rate <= limit:
        return None
    return Flag(
        "kg_per_participant_hour",
        _(
            "%(rate)s kg mỗi người mỗi giờ (%(kg)s kg, %(people)s người, %(hours)s giờ), "
            "cao hơn ngưỡng %(limit)s kg."
        )
        % {
            "rate": _num(rate),
            "kg": _num(event.weight_kg, 2),
            "people": people,
            "hours": _num(hours, 2),
            "limit": _num(limit),
        },
        {
            "kg_per_participant_hour": round(rate, 2),
            "participants": people,
            "hours": round(hours, 2),
            "threshold": limit,
        },
    )


def _round_weights(event, facts: _Facts, limits: dict) -> Flag | None:
    weight = event.weight_kg
    if weight <= 0 or weight % ROUND_KG:
        return None
    counts = facts.round_weights.get(event.entrant_id, Counter())
    round_events = sum(counts.values())
    times = counts[weight]
    limit = int(limits["repeated_round_weight_count"])
    # Round numbers alone are normal (a 50 kg sack); the same round number again
    # and again, among many round numbers, looks written down rather than weighed.
    if round_events < limit or times < 2:
        return None
    return Flag(
        "round_weights",
        _(
            "Khối lượng %(kg)s kg là số tròn lặp lại ở %(times)s sự kiện của đội "
            "(%(round)s sự kiện có khối lượng tròn chục; ngưỡng %(limit)s)."
        )
        % {
            "kg": _num(weight, 2),
            "times": times,
            "round": round_events,
            "limit": limit,
        },
        {
            "weight_kg": float(weight),
            "times": times,
            "round_events": round_events,
            "threshold": limit,
        },
    )


def _participant_overlap(event, facts: _Facts, limits: dict) -> Flag | None:
    own = facts.names.get(event.pk, {})
    campaign_id = event.entrant.campaign_id
    shared: dict[str, set[int]] = {}
    for key, full_name in own.items():
        others = {
            other
            for other in facts.events_by_name.get(key, ())
            if other != event.pk and _overlaps(facts.spans[other], event, campaign_id)
        }
        if others:
            shared[full_name] = others
    if not shared:
        return None
    names = sorted(shared)
    other_events = sorted(set().union(*shared.values()))
    shown = ", ".join(names[:MAX_NAMES_IN_MESSAGE])
    if len(names) > MAX_NAMES_IN_MESSAGE:
        shown += ", …"
    return Flag(
        "participant_overlap",
        _(
            "%(count)s người tham gia (%(names)s) cũng có tên trong %(events)s sự kiện "
            "khác của chiến dịch diễn ra trùng thời gian."
        )
        % {"count": len(names), "names": shown, "events": len(other_events)},
        {"names": names, "events": other_events},
    )


def _overlaps(span: _Span, event: CleanupEvent, campaign_id: int) -> bool:
    return (
        span.campaign_id == campaign_id
        and span.started_at < event.ended_at
        and span.ended_at > event.started_at
    )


def _far_from_hotspots(event, facts: _Facts, limits: dict) -> Flag | None:
    limit = float(limits["max_hotspot_distance_m"])
    far = [
        (hotspot_id, distance)
        for hotspot_id, _max_kg, distance in facts.hotspots.get(event.pk, ())
        if distance > limit
    ]
    if not far:
        return None
    return Flag(
        "far_from_hotspots",
        _("Vị trí sự kiện cách điểm nóng đã nhận %(list)s, xa hơn ngưỡng %(limit)s m.")
        % {
            "list": ", ".join(f"#{pk} ({round(m)} m)" for pk, m in far),
            "limit": _num(limit),
        },
        {
            "hotspots": [{"id": pk, "distance_m": round(m, 1)} for pk, m in far],
            "threshold_m": limit,
        },
    )


def _claimed_unverified(event, facts: _Facts, limits: dict) -> Flag | None:
    """Claimed hotspots no organiser had verified (hotspots.services.
    hotspot_mark_cleaned): not public until verified, in the organisers' queue."""
    ids = facts.unverified.get(event.pk)
    if not ids:
        return None
    return Flag(
        "claimed_unverified",
        _(
            "Đã nhận điểm nóng chưa được Ban Tổ chức xác minh: %(list)s "
            "(chưa công khai cho đến khi được xác minh)."
        )
        % {"list": ", ".join(f"#{pk}" for pk in ids)},
        {"hotspots": ids},
    )


def _weight_above_size_class(event, facts: _Facts, limits: dict) -> Flag | None:
    claimed = facts.hotspots.get(event.pk, ())
    if not claimed:
        return None
    ceiling_kg = sum(max_kg for _pk, max_kg, _m in claimed)
    factor = float(limits["max_weight_over_size_class"])
    if float(event.weight_kg) <= factor * ceiling_kg:
        return None
    return Flag(
        "weight_above_size_class",
        _(
            "Khối lượng %(kg)s kg lớn hơn %(factor)s lần mức tối đa theo cỡ của "
            "%(n)s điểm nóng đã nhận (%(ceiling)s kg)."
        )
        % {
            "kg": _num(event.weight_kg, 2),
            "factor": _num(factor),
            "n": len(claimed),
            "ceiling": _num(ceiling_kg),
        },
        {
            "weight_kg": float(event.weight_kg),
            "size_class_max_kg": ceiling_kg,
            "factor": factor,
        },
    )


def _duplicate_photo(event, facts: _Facts, limits: dict) -> Flag | None:
    limit = int(limits["photo_hash_distance"])
    candidates = facts.campaign_photos.get(event.entrant.campaign_id, ())
    matches = []
    for photo_id, value in facts.photos.get(event.pk, ()):
        if value is None:
            continue
        for other_photo, other_event, other_value in candidates:
            if other_event == event.pk:
                continue
            distance = (value ^ other_value).bit_count()
            if distance <= limit:
                matches.append(
                    {
                        "photo": photo_id,
                        "event": other_event,
                        "other_photo": other_photo,
                        "distance": distance,
                    }
                )
    if not matches:
        return None
    photos = {m["photo"] for m in matches}
    others = {m["event"] for m in matches}
    return Flag(
        "duplicate_photo",
        _(
            "%(photos)s ảnh giống ảnh của %(events)s sự kiện khác trong chiến dịch "
            "(khoảng cách băm ảnh ≤ %(limit)s)."
        )
        % {"photos": len(photos), "events": len(others), "limit": limit},
        {"matches": matches, "threshold": limit},
    )


def _estimated_without_photo(event, facts: _Facts, limits: dict) -> Flag | None:
    if event.weight_method != WeightMethod.ESTIMATED:
        return None
    if facts.photos.get(event.pk):
        return None
    return Flag(
        "estimated_without_photo",
        _("Khối lượng %(kg)s kg là ước tính nhưng sự kiện không có ảnh nào.")
        % {"kg": _num(event.weight_kg, 2)},
        {"weight_kg": float(event.weight_kg)},
    )


def _outside_window(event, facts: _Facts, limits: dict) -> Flag | None:
    violation = window_violation(
        campaign=event.entrant.campaign,
        registered_at=event.entrant.registered_at,
        started_at=event.started_at,
        ended_at=event.ended_at,
    )
    if violation is None:
        return None
    return Flag("outside_window", violation.message, {"rule": violation.code})


def _outside_envelope(event, facts: _Facts, limits: dict) -> Flag | None:
    lon_min, lat_min, lon_max, lat_max = envelope()
    lon, lat = event.location.x, event.location.y
    if lon_min <= lon <= lon_max and lat_min <= lat <= lat_max:
        return None
    return Flag(
        "outside_envelope",
        _("Vị trí (%(lon)s, %(lat)s) nằm ngoài vùng phục vụ của cuộc thi.")
        % {"lon": round(lon, 6), "lat": round(lat, 6)},
        {"lon": round(lon, 6), "lat": round(lat, 6)},
    )
