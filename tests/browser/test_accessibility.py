"""Accessibility (issue 12, Deliver 6): axe-core on every HTML page, at phone and
desktop widths, for anonymous visitors and five signed-in identities.

The page list is not written by hand: every URL pattern of the project is
walked (as the authorization matrix does, with its scenario and its concrete
arguments), each one is fetched with Django's test client for every identity,
and every pattern that answers an HTML page to someone is opened in Chromium,
as the first identity (in IDENTITIES order) that gets it, and checked. The home
page is checked for every identity (its navigation changes with the role), and
the 404 and 403 pages too. A pattern that answers no HTML page to anyone must
be named in NOT_PAGES with the reason; a new page is therefore checked without
anyone adding it here.

axe-core comes from the npm registry (node_modules, installed by `npm ci`) and
is never served to the public pages: its source is evaluated in the page by
Playwright (page.evaluate runs outside the page's Content-Security-Policy,
which stays on and is asserted clean, as everywhere in the browser tests).
"""

import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests import builders
from tests.security.test_authorization_matrix import SITE, _args, _build, _path

from .conftest import CSP_LISTENER, DESKTOP, PHONE

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")

# Who opens the pages, in order: a page is checked as the first who gets it.
IDENTITIES = ("anonymous", "reporter", "representative", "judge", "organiser", "ioc")

# URL patterns that answer no HTML page (to anyone), with the reason.
NOT_PAGES_PREFIXES = {
    "admin/": "Django's admin: not our templates",
    "api:": "JSON API",
    "tiles:": "vector tiles and TileJSON",
    "ogc:": "OGC API (JSON)",
    "ogc/": "OGC API's catch-all (JSON 404)",
    "open311:": "Open311 API (JSON/XML)",
}
NOT_PAGES = {
    "healthz": "plain-text health check",
    "media": "uploaded files",
    "set_language": "POST-only language switch (a redirect)",
    "schema": "OpenAPI schema (YAML)",
    "exports:export": "data files (CSV, XLSX, GeoJSON, GeoPackage, KML)",
    "exports:csvt": "a CSVT column-type file",
    "accounts:logout": "POST-only (a redirect)",
    "accounts:me-data": "the user's data as JSON",
    "events:my-data": "the representative's data as JSON",
    "hotspots:queue-action": "POST-only verify/reject action (a redirect)",
    "events:registration-action": "POST-only approve/reject action (a redirect)",
    "events:export": "data files (CSV, XLSX)",
    "events:results-export": "data files (CSV, XLSX)",
    "events:certificates-zip": "a ZIP of PDF certificates",
    "accounts:me-delete": "POST-only account deletion (a redirect)",
    "events:my-deletion-request": "POST-only deletion request (a redirect)",
    "certificates:pdf": "a PDF certificate",
    "service-worker": "the service worker (JavaScript)",
    "manifest": "the web app manifest (JSON)",
    "csrf-token": "a fresh CSRF token for the offline outbox (JSON)",
    "notifications:read-all": "POST-only mark-all-read (a redirect)",
    "notifications:preferences": "POST-only email preferences (a redirect)",
    "hotspots:follow-status": "a report's status for the device list (JSON)",
    "events:event-answer": "POST-only answer to the jury (a redirect)",
    "maps:basemap": "the fallback base map (GeoJSON)",
    "maps:basemap-tile": "base-map tiles from an MBTiles file (PNG)",
}
# HTML pages that are not checked, with the reason.
SKIPPED_PAGES = {
    "api-docs": "Swagger UI for API clients (drf-spectacular-sidecar's page, not ours)",
    "events:campaign-current": "redirects to the current campaign's page (checked)",
}
# Pages that exist once the results are published: checked after publishing.
AFTER_PUBLISHING = ("events:results", "certificates:verify")


def _api(name: str, route: str) -> str | None:
    for prefix, reason in NOT_PAGES_PREFIXES.items():
        if name.startswith(prefix) or route.startswith(prefix):
            return reason
    return None


def _is_html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith(
        "text/html"
    )


def _report(violations: list[dict]) -> str:
    lines = []
    for where, found in violations:
        for v in found:
            lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']}")
            for node in v["nodes"][:8]:
                lines.append(f"    {node['target']}: {node['failureSummary']!r}")
                lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def _axe(page) -> list[dict]:
    """Run axe in the page; return the serious and critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " html: n.html, failureSummary: n.failureSummary}))})))",
        TAGS,
    )
    return [v for v in result if v["impact"] in BLOCKING]


def _context(browser, live_server, width: str, session: str | None):
    phone = width == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        locale="vi-VN",
        is_mobile=phone,
        has_touch=phone,
        base_url=live_server.url,
    )
    if session:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]
        )
    context.add_init_script(CSP_LISTENER)
    return context


def _plan(routes, clients, args, visits) -> list[str]:
    """Add each HTML page to the visits of the first identity that gets it;
    return the patterns that gave no HTML page to anyone."""
    unchecked = []
    for route in routes:
        if _api(route.name, route.route) or route.name in SKIPPED_PAGES:
            continue
        url = _path(route.route, args.get(route.name, {}))
        # The first identity that gets an HTML page (the later ones are not asked).
        takers = next(([n] for n in IDENTITIES if _is_html(clients[n].get(url))), [])
        if route.name in NOT_PAGES:
            # An honest skip list: a pattern named there answers no HTML page.
            assert not takers, (
                f"{route.name} ({url}) is an HTML page for {takers}: "
                f"remove it from NOT_PAGES ({NOT_PAGES[route.name]})"
            )
            continue
        if not takers:
            unchecked.append(f"{route.name} ({url})")
        elif url not in visits[takers[0]]:
            visits[takers[0]].append(url)
    return unchecked


def _browse(browser, live_server, sessions, visits) -> tuple[list, list]:
    """Open every page at both widths, one context per identity and width;
    return axe's serious/critical violations and any CSP report."""
    violations, csp = [], []
    for identity, urls in visits.items():
        if not urls:
            continue
        for width in ("phone", "desktop"):
            context = _context(browser, live_server, width, sessions.get(identity))
            page = context.new_page()
            page.on(
                "console",
                lambda msg: (
                    csp.append(msg.text)
                    if "Content Security Policy" in msg.text
                    or "CSP violation" in msg.text
                    else None
                ),
            )
            for url in urls:
                started = time.monotonic()
                page.goto(url)
                try:
                    page.wait_for_load_state("networkidle", timeout=1500)
                except Exception:  # a page that keeps polling: check it as it is
                    pass
                loaded = time.monotonic()
                found = _axe(page)
                print(
                    f"{identity} {width} {url}: load {loaded - started:.2f} s,"
                    f" axe {time.monotonic() - loaded:.2f} s",
                    file=sys.stderr,
                )
                if found:
                    violations.append((f"{identity} {width} {url}", found))
            context.close()
    return violations, csp


def test_every_page_has_no_serious_accessibility_violation(
    browser, live_server, demo_areas_tx
):
    from events.judging.services import event_decide
    from events.models import Certificate
    from events.results.services import campaign_freeze, results_publish

    assert AXE.exists(), "npm ci installs axe-core (package.json devDependencies)"
    scenario = _build()
    users = {
        "reporter": scenario.users["reporter"],
        "representative": scenario.users["representative"],
        "judge": scenario.users["judge"],
        "organiser": scenario.users["organiser"],
        "ioc": builders.user(username="ioc", role="ioc"),
    }
    sessions = {}
    clients = {"anonymous": Client(HTTP_HOST="127.0.0.1")}
    for name, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients[name] = client
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    args = _args(scenario)

    # Every page of the running contest, as the first identity who gets it.
    visits: dict[str, list[str]] = {name: ["/"] for name in IDENTITIES}
    visits["anonymous"].append("/trang-khong-co/")  # the 404 page
    visits["reporter"].append(
        _path("contest/<slug:slug>/registrations/", {"slug": scenario.campaign.slug})
    )  # the 403 page
    now = [r for r in SITE if r.name not in AFTER_PUBLISHING]
    unchecked = _plan(now, clients, args, visits)
    # Enough pages were found (the walk works): report, maps, contest, jury...
    assert sum(len(v) for v in visits.values()) >= 30, visits
    violations, csp = _browse(browser, live_server, sessions, visits)
    Path("/tmp/a11y-report.txt").write_text(_report(violations))

    # Then the results: the event approved, the results frozen and published.
    event_decide(event=scenario.event, judge=users["judge"], verdict="approve")
    campaign_freeze(campaign=scenario.campaign, actor=users["organiser"])
    freeze = results_publish(campaign=scenario.campaign, actor=users["organiser"])
    certificate = Certificate.objects.filter(freeze=freeze).first()
    if certificate is None:  # the scenario's campaign has no prize lines
        certificate = Certificate.objects.create(
            code="A11YGCN2",
            freeze=freeze,
            entrant=scenario.entrant,
            category="collective",
            prize_rank=1,
            prize_label="Giải Nhất",
            amount_vnd=3_000_000,
            entrant_name=scenario.entrant.name,
        )
    args["certificates:verify"] = {"code": certificate.code}
    later = {name: [] for name in IDENTITIES}
    unchecked += _plan(
        [r for r in SITE if r.name in AFTER_PUBLISHING], clients, args, later
    )
    assert unchecked == [], (
        "URL patterns that gave no HTML page to any identity: give them arguments "
        f"(the matrix's _args) or a reason in NOT_PAGES: {unchecked}"
    )
    assert later["anonymous"], later
    found, reports = _browse(browser, live_server, sessions, later)
    violations += found
    csp += reports

    Path("/tmp/a11y-report.txt").write_text(_report(violations))
    assert csp == [], csp
    assert violations == [], "\n" + _report(violations)
