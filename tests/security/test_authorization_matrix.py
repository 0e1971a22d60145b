"""The authorization matrix (issue 13, Deliver 6): every URL pattern × every identity.

Every pattern of the project is walked from the root resolver, so a new URL
without an entry in EXPECTED (or an admin pattern the generic admin rule does
not cover) fails `test_every_url_pattern_has_a_matrix_entry`. Each pattern is
requested with concrete arguments from one scenario built once for the module
(rolled back at the end), by anonymous and by seven signed-in identities:
GET always, and for write endpoints a POST with an empty body, which must be
a 4xx for whoever has no right to write (never a 2xx or a 5xx).

No 5xx anywhere. Every answer to anonymous and to a plain resident (who holds
no right to anyone's data) must hold no personal-data key or value of the
scenario: the reporter's contact, the representative's name, date of birth,
phone and e-mail, members' and participants' names, the exact position of an
unverified report, its follow token, an event's private notes. Binary bodies
(PDF, PNG, XLSX, GPKG, ZIP, MVT) are only checked for their status.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from events.campaigns.services import Person
from hotspots.models import Hotspot, Status
from hotspots.services import Contact, hotspot_report
from notifications.tokens import make as unsubscribe_token
from tests import builders
from tests.conftest import _insert_demo_areas
from tests.tiles import tile_of

IDENTITIES = (
    "anonymous",
    "resident",
    "reporter",
    "member",
    "representative",
    "judge",
    "organiser",
    "superuser",
)
# Who may hold no one's personal data in any answer.
UNPRIVILEGED = ("anonymous", "resident")

# Distinctive personal data seeded in the scenario; none may reach UNPRIVILEGED.
SECRET_LON, SECRET_LAT = 107.5873917, 16.4581733
SECRETS = {
    "reporter_name": "Phạm Báo Cáo Bíẩn",
    "reporter_phone": "0987650011",
    "reporter_email": "baocao.bimat@example.vn",
    "reporter_account_email": "taikhoan.bimat@example.vn",
    "representative_name": "Võ Đại Diện Bíẩn",
    "representative_phone": "0911223344",
    "representative_email": "daidien.bimat@example.vn",
    "member_name": "Lê Thành Viên Bíẩn",
    "member_phone": "0933445566",
    "participant_name": "Đỗ Tham Gia Bíẩn",
    "event_notes": "Ghi chú nội bộ Bíẩn",
    "position_lon": f"{SECRET_LON:.5f}",
    "position_lat": f"{SECRET_LAT:.5f}",
}
DATE_OF_BIRTH = dt.date(1987, 3, 29)
# Keys that name personal data; none may appear in a JSON answer to UNPRIVILEGED.
PERSONAL_KEYS = {
    "email",
    "phone",
    "date_of_birth",
    "full_name",
    "follow_token",
    "reporter",
    "reporter_contacts",
    "contact",
    "members",
    "participants",
    "notes",
}
BINARY_TYPES = (
    "application/pdf",
    "image/",
    "application/vnd.openxmlformats",
    "application/geopackage",
    "application/zip",
    "application/x-zip",
    "application/vnd.mapbox-vector-tile",
    "application/x-protobuf",
    "application/octet-stream",
    "application/vnd.google-earth",
)


# --- the scenario -------------------------------------------------------------


@dataclass
class Scenario:
    users: dict
    campaign: object
    entrant: object
    event: object
    public_hotspot: Hotspot
    unverified_hotspot: Hotspot

    def secrets(self, allowed=()) -> list[str]:
        """Return the secret values, but those labelled in `allowed`."""
        token = self.unverified_hotspot.follow_token
        labelled = {
            **SECRETS,
            "follow_token": str(token),
            "follow_token_hex": token.hex,
            "date_of_birth": DATE_OF_BIRTH.isoformat(),
            "date_of_birth_vi": DATE_OF_BIRTH.strftime("%d/%m/%Y"),
        }
        if "follow_token" in allowed:
            allowed = (*allowed, "follow_token_hex")
        return [value for key, value in labelled.items() if key not in allowed]


def _build() -> Scenario:
    from accounts.services import user_upsert

    contest = builders.contest(
        full_name=SECRETS["representative_name"],
        date_of_birth=DATE_OF_BIRTH,
        phone=SECRETS["representative_phone"],
        email=SECRETS["representative_email"],
        members=[
            Person(full_name=SECRETS["member_name"], phone=SECRETS["member_phone"])
        ],
    )
    reporter = builders.user(
        username="nguoibaocao", email=SECRETS["reporter_account_email"]
    )
    contact = Contact(
        name=SECRETS["reporter_name"],
        phone=SECRETS["reporter_phone"],
        email=SECRETS["reporter_email"],
    )
    unverified = hotspot_report(
        location=builders.point(SECRET_LON, SECRET_LAT),
        category="plastic",
        size_class=builders.SizeClass.objects.get(key="bag"),
        description="Bãi rác mới báo",
        reporter=reporter,
        contact=contact,
        contact_consent=True,
    ).hotspot
    public = builders.hotspot(
        location=builders.at(0),
        status=Status.VERIFIED,
        reporter=reporter,
        contact=contact,
        contact_consent=True,
    )
    event = builders.event(
        entrant=contest.entrant,
        location=builders.at(0),
        hotspot_ids=[public.pk],
        participants=[SECRETS["participant_name"]],
        notes=SECRETS["event_notes"],
    )
    superuser, _created = user_upsert(username="root", role="resident")
    get_user_model().objects.filter(pk=superuser.pk).update(
        is_superuser=True, is_staff=True
    )
    users = {
        "resident": builders.user(username="dan"),
        "reporter": reporter,
        # Members are names on a team, not accounts: a signed-in resident with
        # a member's details gains nothing (accounts.access grants no member role).
        "member": builders.user(username="thanhvien"),
        "representative": contest.rep,
        "judge": contest.judge,
        "organiser": builders.organiser(),
        "superuser": get_user_model().objects.get(pk=superuser.pk),
    }
    return Scenario(
        users=users,
        campaign=contest.campaign,
        entrant=contest.entrant,
        event=event,
        public_hotspot=Hotspot.objects.get(pk=public.pk),
        unverified_hotspot=Hotspot.objects.get(pk=unverified.pk),
    )


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, _demo_area_rows):
    """Build the scenario once for the module inside a transaction rolled back
    at the end; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _insert_demo_areas(_demo_area_rows)
        built = _build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def sessions(scenario, django_db_blocker) -> dict[str, str]:
    """Each identity's session key (stored in the module's transaction)."""
    keys = {}
    with django_db_blocker.unblock():
        for name, user in scenario.users.items():
            client = Client()
            client.force_login(user)
            keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def _handlers() -> dict[str, Client]:
    """One client per identity for the module: each client builds its own
    handler and middleware (WhiteNoise indexes every static file: ~0.4 s)."""
    return {name: Client() for name in IDENTITIES}


@pytest.fixture
def clients(_handlers, sessions, db) -> dict[str, Client]:
    """The clients with fresh cookies for each test: a logout or a language
    switch in one test does not leak into the next (its rows are rolled back)."""
    for name, client in _handlers.items():
        client.cookies = SimpleCookie()
        if name in sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[name]
    return _handlers


# --- every URL pattern ----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route text when unnamed
    route: str  # the pattern text, prefixes joined
    pattern: URLPattern
    converters: tuple


def _walk(resolver, prefix="", namespace="", converters=()) -> list[Route]:
    found = []
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found += _walk(entry, text, ns, converters)
        else:
            name = namespace + entry.name if entry.name else text
            found.append(Route(name, text, entry, converters))
    return found


ROUTES = _walk(get_resolver())
ADMIN = [r for r in ROUTES if r.route.startswith("admin/")]
SITE = [r for r in ROUTES if not r.route.startswith("admin/")]


def _path(route: str, values: dict) -> str:
    """Fill a route's parameters (path converters or regex groups) with values."""

    def fill(match):
        return str(values[match.group("name")])

    text = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, route)
    text = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, text)
    text = text.replace("^", "").replace("$", "").replace("\\.", ".")
    text = text.replace("/?", "/")
    assert not re.search(r"[()<>\\]", text), text
    return "/" + text


def _args(s: Scenario) -> dict[str, dict]:
    """Concrete path values per URL name, from the scenario."""
    z, x, y = tile_of(builders.HUE_LON, builders.HUE_LAT, 14)
    hotspot = {"pk": s.unverified_hotspot.pk}
    return {
        "media": {"path": "hotspots/none.jpg"},
        "notifications:unsubscribe": {"token": unsubscribe_token("x@example.vn")},
        "api:hotspots-api:detail": hotspot,
        "api:hotspots-api:confirm": hotspot,
        "api:hotspots-api:verify": hotspot,
        "api:hotspots-api:reject": hotspot,
        "api:hotspots-api:merge": hotspot,
        "api:hotspots-api:priority": hotspot,
        "api:hotspots-api:correct": hotspot,
        "api:events-api:campaign-detail": {"slug": s.campaign.slug},
        "api:events-api:entrant-detail": {"pk": s.entrant.pk},
        "api:events-api:entrant-approve": {"pk": s.entrant.pk},
        "api:events-api:entrant-reject": {"pk": s.entrant.pk},
        "api:events-api:event-detail": {"pk": s.event.pk},
        "api:events-api:event-decisions": {"pk": s.event.pk},
        "api:events-api:event-review": {"pk": s.event.pk},
        "api:events-api:event-info-requests": {"pk": s.event.pk},
        "api:events-api:leaderboard": {"slug": s.campaign.slug},
        "api:events-api:leaderboard-entrant": {
            "slug": s.campaign.slug,
            "entrant_id": s.entrant.pk,
        },
        "api:events-api:campaign-freeze": {"slug": s.campaign.slug},
        "api:events-api:campaign-reopen": {"slug": s.campaign.slug},
        "api:events-api:campaign-results": {"slug": s.campaign.slug},
        "exports:export": {"dataset": "hotspots", "fmt": "csv"},
        "exports:csvt": {"dataset": "hotspots"},
        "hotspots:detail": hotspot,
        "hotspots:follow": {"token": s.unverified_hotspot.follow_token},
        "hotspots:follow-status": {"token": s.unverified_hotspot.follow_token},
        "hotspots:queue-action": {**hotspot, "action": "verify"},
        "events:entrant": {"pk": s.entrant.pk},
        "events:event": {"pk": s.event.pk},
        "events:event-review-one": {"pk": s.event.pk},
        "events:event-answer": {"pk": s.event.pk},
        "events:registration-action": {"pk": s.entrant.pk, "action": "approve"},
        "events:campaign": {"slug": s.campaign.slug},
        "events:campaign-edit": {"slug": s.campaign.slug},
        "events:register": {"slug": s.campaign.slug},
        "events:registrations": {"slug": s.campaign.slug},
        "events:event-review": {"slug": s.campaign.slug},
        "events:leaderboard": {"slug": s.campaign.slug},
        "events:leaderboard-entrant": {
            "slug": s.campaign.slug,
            "entrant_id": s.entrant.pk,
        },
        "events:export": {"slug": s.campaign.slug, "kind": "events", "fmt": "csv"},
        "events:results": {"slug": s.campaign.slug},
        "events:results-manage": {"slug": s.campaign.slug},
        "events:results-export": {"slug": s.campaign.slug, "fmt": "csv"},
        "events:certificates-zip": {"slug": s.campaign.slug},
        "certificates:pdf": {"code": "khong-co"},
        "certificates:verify": {"code": "khong-co"},
        "open311:discovery": {"fmt": "json"},
        "open311:services": {"fmt": "json"},
        "open311:service": {"service_code": "plastic", "fmt": "json"},
        "open311:requests": {"fmt": "json"},
        "open311:request": {"request_id": s.unverified_hotspot.pk, "fmt": "json"},
        "open311:token": {"token": "abc", "fmt": "json"},
        "open311:unknown": {"path": "khong-co"},
        "maps:entrant": {"pk": s.entrant.pk},
        "maps:basemap-tile": {"z": 0, "x": 0, "y": 0},
        "tiles:tilejson": {"layer": "hotspots"},
        "tiles:tile": {"layer": "hotspots", "z": z, "x": x, "y": y},
        "ogc:collection": {"collection_id": "hotspots"},
        "ogc:items": {"collection_id": "hotspots"},
        "ogc:item": {
            "collection_id": "hotspots",
            "feature_id": s.unverified_hotspot.pk,
        },
        "ogc:queryables": {"collection_id": "hotspots"},
        "ogc/^(?P<rest>[\\s\\S]*)$": {"rest": "khong-co"},
    }


def _fetch(client: Client, method: str, url: str):
    response = getattr(client, method)(url)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response, body


# --- what each identity gets ------------------------------------------------------
#
# One spec per method: eight tokens in IDENTITIES order (anonymous, resident,
# reporter, member, representative, judge, organiser, superuser).
#   2 / 3      any 2xx / any 3xx that is not the login page
#   L          302 to the login page (pages ask anonymous to sign in)
#   D          denied: 401, 403 or 404 (APIs, and pages for signed-in users)
#   4          any 4xx (a refused empty body)
#   400 ...    exactly that status
#   a|b        either
# `post` is given for write endpoints only: an empty body, never a 2xx for
# those without the right, never a 5xx for anyone.
ALL_2 = "2 2 2 2 2 2 2 2"
ORGANISER_API = "D D D D D D 2 2"
ORGANISER_PAGE = "L D D D D D 2 2"
JURY_PAGE = "L D D D D 2 2 2"  # judges, organisers (and secretaries)
SIGNED_IN_PAGE = "L 2 2 2 2 2 2 2"
# The unverified report: its reporter and organisers only.
UNVERIFIED = "404 404 2 404 404 404 2 2"


@dataclass(frozen=True)
class Case:
    get: str
    post: str | None = None


def same(token: str) -> str:
    return " ".join([token] * len(IDENTITIES))


EXPECTED: dict[str, Case] = {
    "healthz": Case(ALL_2),
    "service-worker": Case(ALL_2, post=same("405")),
    "manifest": Case(ALL_2, post=same("405")),
    "csrf-token": Case(ALL_2, post=same("405")),
    "media": Case(same("404")),
    "set_language": Case(same("3"), post=same("3")),
    # Refused credentials: 400 today, 401 once token answers say so (issue 13).
    "api:auth-token": Case(same("405"), post=same("4")),
    "api:geo:area-list": Case(ALL_2),
    "api:geo:area-locate": Case(same("400")),
    "api:hotspots-api:list": Case(ALL_2, post=same("400")),
    "api:hotspots-api:nearby": Case(same("400")),
    "api:hotspots-api:detail": Case(UNVERIFIED),
    # Anyone may confirm an open report (its reporter may not: 409).
    "api:hotspots-api:confirm": Case(same("405"), post="2 2 409 2 2 2 2 2"),
    "api:hotspots-api:verify": Case("D D D D D D 405 405", post=ORGANISER_API),
    "api:hotspots-api:reject": Case("D D D D D D 405 405", post="D D D D D D 400 400"),
    "api:hotspots-api:merge": Case("D D D D D D 405 405", post="D D D D D D 400 400"),
    "api:hotspots-api:priority": Case("D D D D D D 405 405", post=ORGANISER_API),
    "api:hotspots-api:correct": Case("D D D D D D 405 405", post=ORGANISER_API),
    "api:events-api:campaign-list": Case(ALL_2, post="D D D D D D 400 400"),
    "api:events-api:campaign-detail": Case(ALL_2),
    "api:events-api:entrant-list": Case("D 2 2 2 2 2 2 2", post="D 4 4 4 4 4 4 4"),
    "api:events-api:entrant-detail": Case("D D D D 2 2 2 2"),
    # Already approved: 409 for those who may approve.
    "api:events-api:entrant-approve": Case(
        "D D D D D D 405 405", post="D D D D D D 409 409"
    ),
    "api:events-api:entrant-reject": Case(
        "D D D D D D 405 405", post="D D D D D D 400 400"
    ),
    "api:events-api:event-list": Case(ALL_2, post="D 4 4 4 4 4 4 4"),
    "api:events-api:event-detail": Case(ALL_2),
    "api:events-api:event-decisions": Case("D D D D D 2 2 2"),
    # Judges review; an organiser who is not a judge may not.
    "api:events-api:event-review": Case(
        "D D D D D 405 D 405", post="D D D D D 400 D 400"
    ),
    # Judges and organisers ask a team for more (an empty body: 400, the message).
    "api:events-api:event-info-requests": Case(
        "D D D D D 2 2 2", post="D D D D D 400 400 400"
    ),
    "api:events-api:leaderboard": Case("D D D D D 2 2 2"),
    "api:events-api:leaderboard-entrant": Case("D D D D D 2 2 2"),
    "api:events-api:campaign-freeze": Case(
        "D 405 405 405 405 405 405 405", post=ORGANISER_API
    ),
    "api:events-api:campaign-reopen": Case(
        "D 405 405 405 405 405 405 405", post="D D D D D D 400 400"
    ),
    # Not published yet: 404 for everyone.
    "api:events-api:campaign-results": Case(same("404")),
    "api:coverage-api:coverage": Case(ALL_2),
    "api:analysis-api:hexagons": Case(ALL_2),
    "api:analysis-api:gaps": Case(ALL_2),  # 202 while the analysis job runs
    "api:analysis-api:clusters": Case(ALL_2),
    "schema": Case(ALL_2),
    "api-docs": Case(ALL_2),
    "coverage:page": Case(ALL_2),
    "analysis:hexagons": Case(ALL_2),
    "exports:page": Case(ALL_2),
    "exports:export": Case(ALL_2),
    "exports:csvt": Case(ALL_2),
    "jobs:list": Case(ORGANISER_PAGE, post=ORGANISER_PAGE),
    "notifications:list": Case(SIGNED_IN_PAGE),
    "notifications:read-all": Case(
        "L 405 405 405 405 405 405 405", post="L 3 3 3 3 3 3 3"
    ),
    "notifications:preferences": Case(
        "L 405 405 405 405 405 405 405", post="L 3 3 3 3 3 3 3"
    ),
    # The signed link is the key (no login): the page shows a button, the POST
    # stops the emails to the one address it names (a test address here).
    "notifications:unsubscribe": Case(ALL_2, post=ALL_2),
    "accounts:login": Case("2 3 3 3 3 3 3 3", post="2|4 3 3 3 3 3 3 3"),
    "accounts:logout": Case(same("405"), post=same("3")),
    "accounts:signup": Case(ALL_2, post=ALL_2),  # the form again, with errors
    "accounts:me": Case(SIGNED_IN_PAGE),
    "accounts:me-data": Case(SIGNED_IN_PAGE),
    "accounts:me-delete": Case("L 405 405 405 405 405 405 405", post="L 3 3 3 3 3 3 3"),
    "hotspots:list": Case(ALL_2),
    "hotspots:detail": Case(UNVERIFIED, post="404 404 400 404 404 404 400 400"),
    "hotspots:report": Case(ALL_2, post=same("400")),
    # The follow link's token is the key: whoever holds it sees the report.
    "hotspots:follow": Case(ALL_2),
    # The same key; public-safe fields only (no position, text, contact, token).
    "hotspots:follow-status": Case(ALL_2),
    # Anyone: signed-in residents see their own reports, everyone this device's.
    "hotspots:mine": Case(ALL_2),
    "hotspots:queue": Case(ORGANISER_PAGE),
    "hotspots:queue-action": Case(same("405"), post="L D D D D D 3 3"),
    "events:campaign-current": Case(same("3")),
    "events:campaign-new": Case(ORGANISER_PAGE, post="L D D D D D 400 400"),
    "events:my-entrant": Case(SIGNED_IN_PAGE),
    "events:my-data": Case(SIGNED_IN_PAGE),
    "events:my-deletion-request": Case(same("405"), post="L 4 4 4 4 4 4 4"),
    # The representative is sent to their own page (events:my-entrant).
    "events:entrant": Case("L D D D 3 2 2 2"),
    # Only an approved entrant's representative logs events (staff roles may not
    # take part, superusers hold them all).
    "events:event-new": Case("L D D D 2 D D D", post="L D D D 2 D D D"),
    "events:event": Case(ALL_2),
    "events:event-review-one": Case(JURY_PAGE, post="L D D D D 400 D 400"),
    # The event's own representative answers the jury's request (none open: 400);
    # anyone else: as if the event were not there.
    "events:event-answer": Case(same("405"), post="L D D D 400 D D D"),
    "events:registration-action": Case(same("405"), post="L D D D D D 3 3"),
    "events:campaign": Case(ALL_2),
    "events:campaign-edit": Case(ORGANISER_PAGE, post="L D D D D D 400 400"),
    # Registered already: the representative is sent to their page; jury and
    # organisers may not take part.
    "events:register": Case("L 2 2 2 3 2 2 2", post="L 400 400 400 3 D D 400"),
    "events:registrations": Case(JURY_PAGE),
    "events:event-review": Case(JURY_PAGE, post=JURY_PAGE),
    "events:leaderboard": Case(JURY_PAGE),
    "events:leaderboard-entrant": Case(JURY_PAGE),
    "events:export": Case(ORGANISER_API),
    "events:results": Case(same("404")),
    "events:results-manage": Case(JURY_PAGE, post="L D D D D 3 3 3"),
    "events:results-export": Case("D D D D D D 404 404"),
    "events:certificates-zip": Case("D D D D D D 404 404"),
    "certificates:pdf": Case(same("404")),
    "certificates:verify": Case(same("404")),
    "open311:discovery": Case(ALL_2),
    "open311:services": Case(ALL_2),
    "open311:service": Case(ALL_2),
    "open311:requests": Case(ALL_2, post=same("400")),
    # Read back by id whatever its status; public fields only until verified.
    "open311:request": Case(ALL_2),
    "open311:token": Case(same("404")),
    "open311:unknown": Case(same("404")),
    "maps:public": Case(ALL_2),
    "maps:heatmap": Case(ORGANISER_PAGE),
    "maps:entrant": Case("L D D D 2 2 2 2"),
    # Public data for everyone; the MBTiles tiles are 404 without a file.
    "maps:basemap": Case(ALL_2),
    "maps:basemap-tile": Case(same("404")),
    "tiles:tilejson": Case(ALL_2),
    "tiles:tile": Case(ALL_2),
    "ogc:landing": Case(ALL_2),
    "ogc:conformance": Case(ALL_2),
    "ogc:api": Case(ALL_2),
    "ogc:api-docs": Case(ALL_2),
    "ogc:collections": Case(ALL_2),
    "ogc:collection": Case(ALL_2),
    "ogc:items": Case(ALL_2),
    # A public API: the unverified report is not there, for anyone.
    "ogc:item": Case(same("404")),
    "ogc:queryables": Case(ALL_2),
    "ogc/^(?P<rest>[\\s\\S]*)$": Case(same("404")),
    "dashboard:index": Case(ORGANISER_PAGE),
    "dashboard:embed": Case(ALL_2),
    "home": Case(ALL_2),
}
# Documents that describe every field (OpenAPI), and Open311's discovery (the
# standard's agency "contact" and "notes"): field names, no one's values.
SCHEMA_DOCUMENTS = {
    "schema",
    "api-docs",
    "ogc:api",
    "ogc:api-docs",
    "open311:discovery",
}
# A person's own data, for the signed-in person only: keys, not others' values.
OWN_DATA = {"accounts:me-data", "events:my-data"}
# Exposures by design, per URL: what of the unverified report a non-privileged
# identity may see there.
#  - the follow page is for whoever holds the token (the anonymous reporter);
#  - confirming answers with the open report's point, as nearby does
#    (hotspots.selectors.hotspot_nearby_features: a second resident confirms a
#    fresh report instead of filing a duplicate); its text and photos blank.
POSITION = ("position_lon", "position_lat")
BY_DESIGN = {
    "hotspots:follow": ("follow_token", *POSITION),
    "api:hotspots-api:confirm": POSITION,
}


def _matches(token: str, response) -> bool:
    status = response.status_code
    if "|" in token:
        return any(_matches(t, response) for t in token.split("|"))
    if token.isdigit() and len(token) == 3:
        return status == int(token)
    to_login = status == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    )
    return {
        "2": 200 <= status < 300,
        "3": 300 <= status < 400 and not to_login,
        "L": to_login,
        "D": status in (401, 403, 404),
        "4": 400 <= status < 500,
    }[token]


def _text(response, body: bytes) -> str | None:
    """Return the body as text, or None for a binary format."""
    kind = response.get("Content-Type", "")
    if not body or any(kind.startswith(b) for b in BINARY_TYPES):
        return None
    return body.decode("utf-8", errors="replace")


def _keys(value) -> set[str]:
    """Return the keys that hold data (a text, a list or an object; counts and
    nulls are no one's personal data)."""
    if isinstance(value, dict):
        found = {
            key
            for key, item in value.items()
            if isinstance(item, str | list | dict) and item not in ("", [], {})
        }
        for item in value.values():
            found |= _keys(item)
        return found
    if isinstance(value, list):
        found = set()
        for item in value:
            found |= _keys(item)
        return found
    return set()


def _leaks(route: Route, scenario: Scenario, response, body: bytes) -> list[str]:
    """Return the personal data keys and values found in the answer."""
    text = _text(response, body)
    if text is None:
        return []
    secrets = scenario.secrets(allowed=BY_DESIGN.get(route.name, ()))
    escaped = {s: json.dumps(s)[1:-1] for s in secrets}
    found = [s for s in secrets if s in text or escaped[s] in text]
    checks_keys = (
        route.name not in SCHEMA_DOCUMENTS | OWN_DATA
        and response.status_code < 400  # errors name fields, they hold no data
        and "json" in response.get("Content-Type", "")
    )
    if checks_keys:
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        found += sorted(_keys(document) & PERSONAL_KEYS)
    return found


def _check(route: Route, scenario: Scenario, clients, url: str) -> list[str]:
    case = EXPECTED[route.name]
    problems = []
    for method, spec in (("get", case.get), ("post", case.post)):
        if spec is None:
            continue
        tokens = spec.split()
        assert len(tokens) == len(IDENTITIES), (route.name, method)
        for who, token in zip(IDENTITIES, tokens, strict=True):
            with transaction.atomic():
                response, body = _fetch(clients[who], method, url)
                transaction.set_rollback(True)
            status = response.status_code
            where = f"{method.upper()} {url} as {who}: {status}"
            if status >= 500:
                problems.append(f"{where} (a 5xx)")
            elif not _matches(token, response):
                problems.append(f"{where}, expected {token}")
            if who in UNPRIVILEGED:
                leaks = _leaks(route, scenario, response, body)
                if leaks:
                    problems.append(f"{where} holds personal data {leaks}")
    return problems


# --- the tests -------------------------------------------------------------------


def test_every_url_pattern_has_a_matrix_entry():
    names = [r.name for r in SITE]
    assert len(names) == len(set(names)), "two patterns share a name"
    assert sorted(set(names) - set(EXPECTED)) == [], "URLs without a matrix entry"
    assert sorted(set(EXPECTED) - set(names)) == [], "entries for URLs that are gone"
    assert len(ADMIN) > 20  # the admin is covered by its generic rule


@pytest.mark.parametrize("route", SITE, ids=[r.name for r in SITE])
def test_url_answers_each_identity_as_the_matrix_says(route, scenario, clients):
    url = _path(route.route, _args(scenario).get(route.name, {}))
    problems = _check(route, scenario, clients, url)
    assert problems == [], "\n".join(problems)


# --- the admin, by one generic rule ---------------------------------------------


def _admin_args(route: Route) -> dict:
    """Path values for an admin pattern: a real object of its model where it
    names one (the first row), else an id that does not exist."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    values = {"app_label": "hotspots", "url": "khong-co/"}
    for model in admin.site._registry:
        opts = model._meta
        prefixes = (
            f"admin:{opts.app_label}_{opts.model_name}_",
            f"admin/{opts.app_label}/{opts.model_name}/",
        )
        if route.name.startswith(prefixes):
            first = model._default_manager.order_by("pk").first()
            values["object_id"] = first.pk if first else 0
    if route.name == "admin:auth_user_password_change":
        values["id"] = get_user_model().objects.order_by("pk").first().pk
    if route.name == "admin:view_on_site":
        hotspot = Hotspot.objects.order_by("pk").first()
        values["content_type_id"] = ContentType.objects.get_for_model(Hotspot).pk
        values["object_id"] = hotspot.pk
    return values


STAFF = ("organiser", "superuser")


def _admin_expected(route: Route, who: str, method: str) -> str:
    """The generic rule: anonymous and non-staff are sent to the admin's login
    (POST as GET); staff get a page or a redirect (an organiser, staff with the
    permissions accounts.access grants, may also be refused a model: 403)."""
    if route.name == "admin:login":
        return "2" if who not in STAFF else "3"
    if route.name == "admin:logout":  # POST only; others are sent away
        return "405" if who in STAFF else "3"
    if route.name in ADMIN_REFUSED_TO_STAFF:
        return ADMIN_REFUSED_TO_STAFF[route.name] if who in STAFF else "admin-login"
    if who == "superuser":
        return "2|3"
    if who == "organiser":
        return "2|3|403"
    return "admin-login"


# What the admin refuses even to a superuser, by design.
ADMIN_REFUSED_TO_STAFF = {
    "admin:autocomplete": "403",  # asked without a model field
    "admin:jobs_job_add": "403",  # jobs are started by the platform, not added
    # django-axes records login failures itself; its admin only lists and deletes
    # them (deleting an attempt unlocks that login).
    "admin:axes_accessattempt_add": "403",
    "admin:axes_accesslog_add": "403",
    "admin:axes_accessfailurelog_add": "403",
    "admin/(?P<url>.*)$": "404",  # no such admin page
}


@pytest.mark.parametrize("route", ADMIN, ids=[r.name for r in ADMIN])
def test_admin_url_follows_the_generic_rule(route, scenario, clients):
    from django.urls import reverse

    url = _path(route.route, _admin_args(route))
    admin_login = reverse("admin:login")
    problems = []
    for who in IDENTITIES:
        methods = ("get",) if who in STAFF else ("get", "post")
        for method in methods:
            with transaction.atomic():
                response, body = _fetch(clients[who], method, url)
                transaction.set_rollback(True)
            status = response.status_code
            where = f"{method.upper()} {url} as {who}: {status}"
            token = _admin_expected(route, who, method)
            if token == "admin-login":
                ok = status == 302 and response["Location"].startswith(admin_login)
            else:
                ok = _matches(token, response)
            if status >= 500 or not ok:
                problems.append(f"{where}, expected {token}")
            if who in UNPRIVILEGED:
                leaks = _leaks(route, scenario, response, body)
                if leaks:
                    problems.append(f"{where} holds personal data {leaks}")
    assert problems == [], "\n".join(problems)
