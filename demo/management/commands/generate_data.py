"""Fill the database with synthetic data for scale tests (labelled synthetic).

Hotspots cluster along the Perfume River, the Huế canals, the lagoon shore and
National Road 1A (coarse polylines from the region's well-known geography), with
some scatter around district seats; events cluster near them. Rows are bulk
inserted and the derived data are computed in bulk (scores and H3 cells here,
areas by geo.services.areas_assign_bulk, the rollups rebuilt once at the end
with their triggers off: maps.rollups.suspended), so 100,000 hotspots take
seconds, not minutes. Re-running adds more rows.
"""

import datetime as dt
import random
import time

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.services import user_upsert
from events.campaigns.services import campaign_create
from events.models import (
    CleanupEvent,
    Entrant,
    EventDecision,
    EventStatus,
    RepresentativeContact,
)
from events.results.points import campaign_refresh
from geo.cells import cells_many, set_cells
from geo.services import areas_assign_bulk
from hotspots import scoring
from hotspots.defaults import seed_size_classes
from hotspots.models import Hotspot, SizeClass
from maps import rollups

CHANNEL = "synthetic"
# (lon, lat) polylines, coarse: where litter gathers.
LINES = [
    [
        (107.48, 16.42),
        (107.55, 16.45),
        (107.58, 16.468),
        (107.60, 16.472),
        (107.63, 16.49),
        (107.65, 16.52),
        (107.62, 16.555),
    ],  # Sông Hương to Thuận An
    [(107.59, 16.46), (107.61, 16.455), (107.63, 16.448), (107.66, 16.44)],  # An Cựu
    [
        (107.40, 16.62),
        (107.50, 16.60),
        (107.60, 16.57),
        (107.70, 16.50),
        (107.80, 16.42),
        (107.90, 16.33),
    ],  # lagoon shore
    [
        (107.30, 16.60),
        (107.45, 16.53),
        (107.58, 16.46),
        (107.70, 16.40),
        (107.82, 16.30),
        (107.95, 16.25),
    ],  # QL1A
]
CATEGORIES = [
    ("plastic", 40),
    ("household", 25),
    ("water_hyacinth", 15),
    ("construction", 10),
    ("hazardous", 3),
    ("other", 7),
]
STATUSES = [("verified", 50), ("reported", 30), ("cleaned", 15), ("reopened", 5)]
SIZES = [("bag", 45), ("several_bags", 35), ("cart", 15), ("truck", 5)]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _point(rng: random.Random) -> tuple[float, float]:
    line = rng.choice(LINES)
    i = rng.randrange(len(line) - 1)
    (x0, y0), (x1, y1) = line[i], line[i + 1]
    t = rng.random()
    # About 300 m of scatter either side of the line.
    x = x0 + (x1 - x0) * t + rng.gauss(0, 0.003)
    y = y0 + (y1 - y0) * t + rng.gauss(0, 0.003)
    lon_min, lat_min, lon_max, lat_max = settings.SERVICE_ENVELOPE
    return min(max(x, lon_min), lon_max), min(max(y, lat_min), lat_max)


class Command(BaseCommand):
    help = "Generate synthetic hotspots and cleanup events (labelled synthetic) for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("--hotspots", type=int, default=10000)
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, hotspots, events, seed, **options):
        if hotspots < 0 or events < 0 or hotspots > 2_000_000 or events > 500_000:
            raise CommandError(
                "--hotspots must be 0..2,000,000 and --events 0..500,000"
            )
        rng = random.Random(seed)
        started = time.perf_counter()
        # One transaction; a trigger per row would cost more than the rebuild.
        with transaction.atomic(), rollups.suspended():
            seed_size_classes(SizeClass)
            made = self._hotspots(rng, hotspots)
            logged = self._events(rng, events)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"synthetic: {made} hotspots, {logged} events in {seconds:.1f} s (seed {seed})"
        )

    def _hotspots(self, rng: random.Random, n: int) -> int:
        sizes = {s.key: s for s in SizeClass.objects.all()}
        weights = settings.HOTSPOT_SCORE
        columns = {
            k: []
            for k in ("lon", "lat", "cat", "size", "status", "prio", "conf", "score")
        }
        for _ in range(n):
            category, size = _pick(rng, CATEGORIES), sizes[_pick(rng, SIZES)]
            priority = size.key in ("cart", "truck") and rng.random() < 0.3
            confirmations = rng.choice((0, 0, 0, 1, 2, 5))
            lon, lat = _point(rng)
            for key, value in (
                ("lon", lon),
                ("lat", lat),
                ("cat", category),
                ("size", size.pk),
                ("status", _pick(rng, STATUSES)),
                ("prio", priority),
                ("conf", confirmations),
                (
                    "score",
                    scoring.score(
                        scoring.ScoreInput(
                            category, size.estimated_kg, confirmations, 0, priority
                        ),
                        weights,
                    ),
                ),
            ):
                columns[key].append(value)
        if not n:
            return 0
        found = cells_many(columns["lon"], columns["lat"])
        cells = [found.get(res, [None] * n) for res in (7, 8, 9)]
        with connection.cursor() as cursor:
            # One INSERT from arrays (bulk_create would build 100,000 GEOS objects);
            # report times spread over the last 120 days.
            cursor.execute(
                """
                INSERT INTO hotspots_hotspot (location, category, size_class_id,
                    description, location_source, channel, status, priority,
                    recurrence_count, confirmation_count, score, follow_token,
                    h3_7, h3_8, h3_9, created_at, updated_at)
                SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326), cat, size,
                       'Dữ liệu tổng hợp (synthetic)', 'pin', %s, status, prio, 0, conf,
                       score, gen_random_uuid(), c7, c8, c9,
                       now() - random() * interval '120 days', now()
                FROM unnest(%s::float8[], %s::float8[], %s::text[], %s::bigint[],
                            %s::text[], %s::bool[], %s::int[], %s::float8[],
                            %s::bigint[], %s::bigint[], %s::bigint[])
                     AS t(lon, lat, cat, size, status, prio, conf, score, c7, c8, c9)
                RETURNING id
                """,
                [CHANNEL, *(columns[k] for k in columns), *cells],
            )
            ids = [row[0] for row in cursor.fetchall()]
        # Areas stored at write time, in one join (a range: faster than 100,000 ids).
        areas_assign_bulk(Hotspot.objects.filter(pk__range=(min(ids), max(ids))))
        return len(ids)

    def _events(self, rng: random.Random, n: int) -> int:
        if n == 0:
            return 0
        today = timezone.localdate()
        campaign = synthetic_campaign(today)
        judge, _ = user_upsert(username="synthetic-bgk", role="judge")
        entrants = []
        for i in range(max(1, n // 25)):
            user, _ = user_upsert(
                username=f"synthetic-doi-{campaign.pk}-{i}", role="resident"
            )
            entrant, made = Entrant.objects.get_or_create(
                campaign=campaign,
                representative=user,
                defaults={
                    "kind": "team",
                    "name": f"Đội tổng hợp {i} (synthetic)",
                    "status": "approved",
                },
            )
            if made:
                RepresentativeContact.objects.create(
                    entrant=entrant,
                    full_name="Synthetic",
                    date_of_birth=dt.date(1990, 1, 1),
                    phone="+84905000000",
                    email="synthetic@example.invalid",
                )
            entrants.append(entrant)
        batch = []
        for _ in range(n):
            start = timezone.now() - dt.timedelta(
                days=rng.uniform(1, 28), hours=rng.uniform(0, 8)
            )
            kg = round(rng.lognormvariate(3.5, 0.8), 2)
            plastic = round(kg * rng.uniform(0.2, 0.8), 2)
            # Drawn in the order of the earlier inline arguments: a seed still
            # gives the same events.
            entrant = rng.choice(entrants)
            location = Point(*_point(rng), srid=4326)
            event = CleanupEvent(
                entrant=entrant,
                title="Thu gom (synthetic)",
                location=location,
                started_at=start,
                ended_at=start + dt.timedelta(hours=rng.choice((1, 2, 3, 4))),
                weight_kg=kg,
                weight_method=rng.choice(("measured", "measured", "estimated")),
                plastic_kg=plastic,
                other_kg=round(kg - plastic, 2),
                bags=int(kg // 8),
                status=EventStatus.APPROVED,
            )
            set_cells(event, location)
            batch.append(event)
        created = CleanupEvent.objects.bulk_create(batch, batch_size=5000)
        decisions = EventDecision.objects.bulk_create(
            [
                EventDecision(
                    event=e,
                    judge=judge,
                    verdict="approve",
                    verified_weight_kg=e.weight_kg,
                    verified_plastic_kg=e.plastic_kg,
                    verified_water_hyacinth_kg=0,
                    verified_other_kg=e.other_kg,
                    verified_method=e.weight_method,
                    reason="synthetic",
                )
                for e in created
            ],
            batch_size=5000,
        )
        ids = [e.pk for e in created]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE events_cleanupevent e SET current_decision_id = d.id "
                "FROM events_eventdecision d WHERE d.event_id = e.id "
                "AND e.id BETWEEN %s AND %s",
                [min(ids), max(ids)],
            )
        areas_assign_bulk(CleanupEvent.objects.filter(pk__range=(min(ids), max(ids))))
        # Rows written past the services: their stored points, in one pass.
        campaign_refresh(campaign)
        return len(decisions)


def synthetic_campaign(today: dt.date):
    from events.models import Campaign

    campaign = Campaign.objects.filter(slug="synthetic").first()
    if campaign is None:
        campaign = campaign_create(
            name="Chiến dịch tổng hợp (synthetic)",
            slug="synthetic",
            registration_start=today - dt.timedelta(days=40),
            registration_end=today + dt.timedelta(days=20),
            activity_start=today - dt.timedelta(days=30),
            activity_end=today + dt.timedelta(days=20),
        )
    return campaign
