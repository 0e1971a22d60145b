"""Test data, built through the services a real request calls.

Keyword-only, with defaults that pass every check: a campaign running today, an
approved team, an event logged yesterday inside the demo "Thành phố Huế" district
(load the areas with the `demo_areas` fixture first). No raw ORM creates where a
service exists, so set-up data is data production could hold.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import User
from accounts.services import user_upsert
from events.campaigns.services import (
    Consents,
    Person,
    Representative,
    campaign_create,
    entrant_approve,
    entrant_register,
)
from events.cleanups.services import event_log
from events.judging.services import event_decide
from events.models import Campaign, CleanupEvent, Entrant, EventDecision
from geo.spatial import WGS84
from hotspots import services as hotspot_services
from hotspots.models import Hotspot, SizeClass, Status

# The one password of every test account (MD5 hashing in test settings: cheap).
PASSWORD = "Mat-khau-dai-2024"
# Inside the demo "Thành phố Huế" district (code 474); 0.002° is ~210 m here,
# well beyond the 50 m duplicate radius of hotspots.
HUE_LON, HUE_LAT = 107.59, 16.46
MEMBERS = ("Trần Văn Minh", "Lê Thị Hoa")
# One member and one neighbour who is not a member.
PARTICIPANTS = ("Trần Văn Minh", "Người dân Ngọc Lan")


def days(n: int) -> dt.date:
    """Return the local date n days from today (negative: in the past)."""
    return timezone.localdate() + dt.timedelta(days=n)


def point(lon: float = HUE_LON, lat: float = HUE_LAT) -> Point:
    return Point(lon, lat, srid=WGS84)


def at(i: int = 0) -> Point:
    """Return the i-th spot of a grid in Huế, ten to a row, ~210 m apart."""
    return point(HUE_LON + 0.002 * (i % 10), HUE_LAT + 0.002 * (i // 10))


def user(
    *,
    username: str = "lan",
    role: str = "resident",
    email: str = "",
    password: str | None = PASSWORD,
) -> User:
    """Create (or update) the account with the role; password=None: unusable."""
    return user_upsert(username=username, role=role, email=email, password=password)[0]


def organiser() -> User:
    """The organiser "btc" (the same account the `organiser` fixture returns)."""
    return user(username="btc", role="organiser")


def campaign(
    *,
    slug: str = "thu-nghiem",
    name: str = "Thử nghiệm",
    registration: tuple[int, int] = (-10, 10),
    activity: tuple[int, int] = (-10, 10),
    **fields,
) -> Campaign:
    """Create a campaign; `registration` and `activity` are (first, last) days from today.

    Other keyword arguments go to campaign_create, explicit dates
    (registration_start=...) winning over the offsets.
    """
    dates = {
        "registration_start": days(registration[0]),
        "registration_end": days(registration[1]),
        "activity_start": days(activity[0]),
        "activity_end": days(activity[1]),
    }
    return campaign_create(name=name, slug=slug, **{**dates, **fields})


def entrant(
    *,
    campaign: Campaign,
    representative: User | None = None,
    username: str = "lan",
    name: str = "Đội Sông Hương",
    kind: str = "team",
    full_name: str = "Nguyễn Thị Lan",
    date_of_birth: dt.date = dt.date(1995, 4, 12),
    phone: str = "0905123456",
    email: str = "lan@example.vn",
    organisation: str = "",
    members: Sequence[str | Person] = MEMBERS,
    publish: bool = False,
    contact: bool = False,
    registered_on: dt.date | None = None,
    approve: bool = True,
    approved_by: User | None = None,
) -> Entrant:
    """Register an entrant (its representative: `representative` or a resident
    `username`) and, unless approve=False, have an organiser approve it.

    It registers `registered_on` (default: five days ago, or the first day of
    registration if later), so events logged in the last days are in its window.
    """
    if representative is None:
        representative = user(username=username)
    if registered_on is None:
        registered_on = max(days(-5), campaign.registration_start)
    registered = entrant_register(
        campaign=campaign,
        user=representative,
        kind=kind,
        name=name,
        representative=Representative(
            full_name=full_name,
            date_of_birth=date_of_birth,
            phone=phone,
            email=email,
            organisation=organisation,
        ),
        members=[m if isinstance(m, Person) else Person(full_name=m) for m in members],
        consents=Consents(participation=True, contact=contact, publish=publish),
        today=registered_on,
    )
    if not approve:
        return registered
    return entrant_approve(entrant=registered, actor=approved_by or organiser())


def event(
    *,
    entrant: Entrant,
    representative: User | None = None,
    title: str = "Vớt rác sông An Cựu",
    location: Point | None = None,
    hours_ago: float = 30,
    hours: float = 2,
    whole_hour: bool = False,
    participants: Sequence[str] = PARTICIPANTS,
    kg: Decimal | str | float = 50,
    method: str = "estimated",
    **extra,
) -> CleanupEvent:
    """Log an event for the entrant through event_log, `hours_ago` before now.

    whole_hour=True starts it on the hour, so two events logged alike end at the
    same moment (a real tie). Other keyword arguments go to event_log.
    """
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    if whole_hour:
        start = start.replace(minute=0, second=0, microsecond=0)
    logged, _created = event_log(
        entrant=entrant,
        user=representative or entrant.representative,
        title=title,
        location=location or point(),
        started_at=start,
        ended_at=start + dt.timedelta(hours=hours),
        participants=list(participants),
        weight_kg=kg,
        weight_method=method,
        **extra,
    )
    return logged


def decision(
    *,
    event: CleanupEvent,
    judge: User,
    verdict: str = "approve",
    reason: str | None = None,
    **figures,
) -> EventDecision:
    """Decide the event; adjust and reject get a default reason."""
    if reason is None:
        reason = "" if verdict == "approve" else "Ảnh không khớp"
    return event_decide(
        event=event, judge=judge, verdict=verdict, reason=reason, **figures
    )


def hotspot(
    *,
    location: Point | None = None,
    category: str = "plastic",
    size: str = "bag",
    status: str = Status.REPORTED,
    priority: bool = False,
    actor: User | None = None,
    **extra,
) -> Hotspot:
    """Report a hotspot, then move it to `status` (verified, cleaned, rejected).

    Moderation is done by `actor` (default: the organiser "btc"); other keyword
    arguments go to hotspot_report.
    """
    reported = hotspot_services.hotspot_report(
        location=location or point(),
        category=category,
        size_class=SizeClass.objects.get(key=size),
        **extra,
    ).hotspot
    if status == Status.REPORTED and not priority:
        return reported
    actor = actor or organiser()
    if status in (Status.VERIFIED, Status.CLEANED):
        reported = hotspot_services.hotspot_verify(hotspot=reported, actor=actor)
    if priority:
        reported = hotspot_services.hotspot_set_priority(
            hotspot=reported, actor=actor, priority=True
        )
    if status == Status.CLEANED:
        reported = hotspot_services.hotspot_mark_cleaned(hotspot=reported, actor=actor)
    if status == Status.REJECTED:
        hotspot_services.hotspot_reject(hotspot=reported, actor=actor, reason="Sai")
    return Hotspot.objects.get(pk=reported.pk)


class Contest(NamedTuple):
    """A running campaign and one approved team with its representative, and a judge.

    The organiser who approved the team is builders.organiser() (the `organiser`
    fixture).
    """

    campaign: Campaign
    rep: User
    entrant: Entrant
    judge: User


def contest(*, approve: bool = True, campaign_fields=None, **entrant_fields) -> Contest:
    """Build a Contest: campaign(**campaign_fields), a judge "bgk", a team by "lan".

    approve=False leaves the team pending; other keyword arguments go to entrant().
    """
    running = campaign(**(campaign_fields or {}))
    rep = entrant_fields.pop("representative", None) or user(
        username=entrant_fields.pop("username", "lan")
    )
    team = entrant(
        campaign=running, representative=rep, approve=approve, **entrant_fields
    )
    return Contest(running, rep, team, user(username="bgk", role="judge"))
