"""Random sequences of real writes, for the rollup tests.

A World holds a running contest and applies random steps through the services
(reports, confirmations, moderation, merges, priority, corrections, cleanings,
reopenings, events, decisions and reversals, new campaigns, a campaign's end
moved) and a few raw ORM writes an admin or a shell could make. A refused
step (the service raises) changes nothing: its atomic block rolls back.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from config.errors import ClientError
from events.campaigns.services import campaign_update
from events.models import CleanupEvent, Entrant, Participant
from hotspots import services as hs
from hotspots.models import DISMISSED_STATUSES, OPEN_STATUSES, Hotspot, SizeClass
from tests import builders

# Spots in the demo districts: Thành phố Huế (a grid ~210 m apart) and Phú Vang;
# the last one is in no demo area at all (the lagoon, outside every district).
SPOTS = [builders.at(i) for i in range(12)] + [
    Point(107.7077 + 0.002 * i, 16.5097, srid=4326) for i in range(4)
]
CATEGORIES = ("plastic", "household", "water_hyacinth", "hazardous")
SIZES = ("bag", "several_bags", "cart", "truck")
NAMES = ("Trần Văn Minh", "Lê Thị Hoa", "Người dân Ngọc Lan", "Phạm Văn Bình")


class World:
    def __init__(self, seed: int, contest: builders.Contest, organiser):
        self.rng = random.Random(seed)
        self.organiser = organiser
        self.judge = contest.judge
        self.campaigns = [contest.campaign]
        self.entrants = [contest.entrant]
        self.residents = [
            builders.user(username=f"dan-{i}", role="resident") for i in range(3)
        ]
        self.made = 0
        self.log: list[str] = []

    # --- choosing ---------------------------------------------------------------

    def _hotspot(self, statuses=None) -> Hotspot | None:
        rows = Hotspot.objects.order_by("id")
        if statuses is not None:
            rows = rows.filter(status__in=statuses)
        ids = list(rows.values_list("id", flat=True))
        return Hotspot.objects.get(pk=self.rng.choice(ids)) if ids else None

    def _event(self) -> CleanupEvent | None:
        ids = list(CleanupEvent.objects.order_by("id").values_list("id", flat=True))
        return CleanupEvent.objects.get(pk=self.rng.choice(ids)) if ids else None

    # --- steps --------------------------------------------------------------------

    def step(self) -> str:
        """Apply one random step; return what it was (for failure messages)."""
        action = self.rng.choices(
            list(self.ACTIONS), weights=[w for w, _f in self.ACTIONS.values()]
        )[0]
        what = f"{action}: "
        try:
            with transaction.atomic():
                what += self.ACTIONS[action][1](self) or ""
        except (ClientError, ValidationError, ProtectedError) as exc:
            what += f" refused ({type(exc).__name__})"
        self.log.append(what)
        return what

    def report(self) -> str:
        spot = self.rng.choice(SPOTS)
        result = hs.hotspot_report(
            location=spot,
            category=self.rng.choice(CATEGORIES),
            size_class=SizeClass.objects.get(key=self.rng.choice(SIZES)),
            reporter=self.rng.choice([None, *self.residents]),
        )
        return f"#{result.hotspot.pk} reopened={result.reopened}"

    def confirm(self) -> str:
        spot = self._hotspot(OPEN_STATUSES)
        if spot:
            hs.hotspot_confirm(hotspot=spot, user=self.rng.choice(self.residents))
        return f"#{spot and spot.pk}"

    def verify(self) -> str:
        spot = self._hotspot(["reported"])
        if spot:
            hs.hotspot_verify(hotspot=spot, actor=self.organiser)
        return f"#{spot and spot.pk}"

    def reject(self) -> str:
        spot = self._hotspot(OPEN_STATUSES)
        if spot:
            hs.hotspot_reject(hotspot=spot, actor=self.organiser, reason="Sai")
        return f"#{spot and spot.pk}"

    def merge(self) -> str:
        duplicate = self._hotspot(OPEN_STATUSES)
        into = self._hotspot(
            [s for s in ("reported", "verified", "cleaned", "reopened")]
        )
        if duplicate and into:
            hs.hotspot_merge(duplicate=duplicate, into=into, actor=self.organiser)
        return f"#{duplicate and duplicate.pk} into #{into and into.pk}"

    def priority(self) -> str:
        spot = self._hotspot()
        if spot:
            hs.hotspot_set_priority(
                hotspot=spot, actor=self.organiser, priority=not spot.priority
            )
        return f"#{spot and spot.pk}"

    def correct(self) -> str:
        spot = self._hotspot()
        if spot:
            hs.hotspot_correct(
                hotspot=spot,
                actor=self.organiser,
                category=self.rng.choice(CATEGORIES),
                size_class=SizeClass.objects.get(key=self.rng.choice(SIZES)),
                location=self.rng.choice([None, *SPOTS]),
            )
        return f"#{spot and spot.pk}"

    def clean(self) -> str:
        spot = self._hotspot(OPEN_STATUSES)
        if spot:
            hs.hotspot_mark_cleaned(hotspot=spot, actor=self.organiser)
        return f"#{spot and spot.pk}"

    def reopen(self) -> str:
        spot = self._hotspot(["cleaned"])
        if spot:
            hs.hotspot_reopen(hotspot=spot, actor=self.rng.choice(self.residents))
        return f"#{spot and spot.pk}"

    def revert_clean(self) -> str:
        spot = self._hotspot(["cleaned"])
        if spot:
            hs.hotspot_revert_clean(hotspot=spot, actor=self.judge, reason="Loại")
        return f"#{spot and spot.pk}"

    def backdate(self) -> str:
        """An admin (or a load) changing when a hotspot was reported."""
        spot = self._hotspot()
        if spot:
            when = timezone.now() - dt.timedelta(hours=self.rng.uniform(0, 40 * 24))
            Hotspot.objects.filter(pk=spot.pk).update(created_at=when)
        return f"#{spot and spot.pk}"

    def delete_hotspot(self) -> str:
        spot = self._hotspot(DISMISSED_STATUSES)
        if spot:
            spot.delete()
        return f"#{spot and spot.pk}"

    def log_event(self) -> str:
        entrant = self.rng.choice(self.entrants)
        spot = self.rng.choice(SPOTS)
        nearby = list(
            Hotspot.objects.open().near(spot, 50).values_list("id", flat=True)
        )
        names = self.rng.sample(NAMES, self.rng.randint(1, len(NAMES)))
        event = builders.event(
            entrant=entrant,
            location=spot,
            hours_ago=self.rng.uniform(3, 100),
            participants=names,
            kg=Decimal(self.rng.randint(100, 9000)) / 100,
            hotspot_ids=nearby[: self.rng.randint(0, 1)],
        )
        return f"#{event.pk} for {entrant.pk}"

    def decide(self) -> str:
        event = self._event()
        if event is None:
            return "none"
        verdict = self.rng.choice(["approve", "adjust", "reject"])
        figures = {}
        if verdict == "adjust":
            figures = {
                "weight_kg": Decimal(self.rng.randint(0, 5000)) / 100,
                "method": "measured",
            }
        builders.decision(event=event, judge=self.judge, verdict=verdict, **figures)
        return f"#{event.pk} {verdict}"

    def new_campaign(self) -> str:
        self.made += 1
        start = self.rng.randint(-30, -5)
        campaign = builders.campaign(
            slug=f"c-{self.made}",
            name=f"Chiến dịch {self.made}",
            registration=(start - 5, start + 30),
            activity=(start, start + self.rng.randint(0, 40)),
        )
        self.campaigns.append(campaign)
        entrant = builders.entrant(
            campaign=campaign,
            username=f"rep-{self.made}",
            name=f"Đội {self.made}",
            registered_on=builders.days(start),
            approved_by=self.organiser,
        )
        self.entrants.append(entrant)
        return f"{campaign.slug} ends {campaign.activity_end}"

    def move_campaign_end(self) -> str:
        campaign = self.rng.choice(self.campaigns)
        campaign.refresh_from_db()
        end = campaign.activity_start + dt.timedelta(days=self.rng.randint(0, 40))
        campaign_update(campaign=campaign, prizes=[], activity_end=end)
        return f"{campaign.slug} ends {end}"

    def drop_participant(self) -> str:
        """An admin removing a participation (raw ORM delete)."""
        person = Participant.objects.order_by("?").first()
        if person:
            Participant.objects.filter(pk=person.pk).delete()
        return f"#{person and person.pk}"

    def raw_event_status(self) -> str:
        """A raw QuerySet.update of an event's status (bypassing the jury)."""
        event = self._event()
        if event:
            status = self.rng.choice(["submitted", "approved", "adjusted", "rejected"])
            CleanupEvent.objects.filter(pk=event.pk).update(status=status)
        return f"#{event and event.pk}"

    def move_entrant(self) -> str:
        """An entrant moved to another campaign in the admin."""
        entrant = self.rng.choice(self.entrants)
        campaign = self.rng.choice(self.campaigns)
        if (
            Entrant.objects.filter(
                campaign=campaign, representative=entrant.representative
            )
            .exclude(pk=entrant.pk)
            .exists()
        ):
            return "skipped"
        Entrant.objects.filter(pk=entrant.pk).update(campaign=campaign)
        entrant.refresh_from_db()
        return f"{entrant.pk} to {campaign.slug}"

    # weight, step
    ACTIONS = {
        "report": (10, report),
        "confirm": (2, confirm),
        "verify": (5, verify),
        "reject": (2, reject),
        "merge": (2, merge),
        "priority": (3, priority),
        "correct": (2, correct),
        "clean": (3, clean),
        "reopen": (2, reopen),
        "revert_clean": (1, revert_clean),
        "backdate": (3, backdate),
        "delete_hotspot": (1, delete_hotspot),
        "log_event": (6, log_event),
        "decide": (5, decide),
        "new_campaign": (1, new_campaign),
        "move_campaign_end": (1, move_campaign_end),
        "drop_participant": (1, drop_participant),
        "raw_event_status": (1, raw_event_status),
        "move_entrant": (1, move_entrant),
    }
