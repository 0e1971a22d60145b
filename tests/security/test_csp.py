"""Every HTML page carries a Content-Security-Policy that runs no injected script.

The policy (config/settings/base.py, django-csp) allows scripts from our own
origin or with the request's nonce; this walks the site's pages and checks the
header and the markup: every inline <script>/<style> carries that nonce, no
element has an inline event handler, no javascript: URL.
(tests/browser/ proves in Chromium that the pages then run without a violation.)
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from geo.models import AdminArea
from tests import builders


class Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline: list[tuple[str, str | None]] = []  # (tag, nonce)
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A data block (json_script's type="application/json") never runs.
        data_block = attrs.get("type") not in (None, "", "text/javascript", "module")
        if tag == "style" or (
            tag == "script" and not attrs.get("src") and not data_block
        ):
            self.inline.append((tag, attrs.get("nonce")))
        for name, value in attrs.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.handlers.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.handlers.append(f"<{tag} {name}={value}>")


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_policed(response) -> None:
    url = response.wsgi_request.get_full_path()
    assert response.status_code in (200, 403, 404), (url, response.status_code)
    assert response["Content-Type"].startswith("text/html"), url
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{url}: no Content-Security-Policy"
    policy = directives(header)
    assert "'unsafe-eval'" not in header, url
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    # Only the embeddable map may be framed (by itself and EMBED_FRAME_ANCESTORS).
    framers = ["'self'"] if url.startswith("/embed/") else ["'none'"]
    assert policy["frame-ancestors"] == framers, url
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    script_src = policy["script-src"]
    assert "'unsafe-inline'" not in script_src and "*" not in script_src, url
    assert "'unsafe-inline'" not in policy["style-src"], url
    nonces = {w[len("'nonce-") : -1] for w in script_src if w.startswith("'nonce-")}
    markup = Markup()
    markup.feed(response.content.decode())
    for tag, nonce in markup.inline:
        assert nonce is not None, f"{url}: an inline <{tag}> without a nonce"
        assert nonce in nonces, f"{url}: <{tag}> nonce {nonce} not in the header"
    assert markup.handlers == [], (url, markup.handlers)


@pytest.fixture
def site(demo_areas, contest, organiser):
    hotspot = builders.hotspot(status="verified", actor=organiser)
    event = builders.event(entrant=contest.entrant, representative=contest.rep)
    return {"hotspot": hotspot, "event": event, "campaign": contest.campaign}


def public_pages(site) -> list[str]:
    slug = site["campaign"].slug
    return [
        reverse("home"),
        reverse("hotspots:list"),
        reverse("hotspots:detail", args=[site["hotspot"].pk]),
        reverse("hotspots:report"),
        reverse("maps:public"),
        reverse("coverage:page"),
        "/maps/hexagons/",
        reverse("dashboard:embed"),
        reverse("events:campaign-current"),
        reverse("events:campaign", args=[slug]),
        reverse("events:leaderboard", args=[slug]),
        reverse("events:results", args=[slug]),
        reverse("events:entrant", args=[site["event"].entrant_id]),
        "/exports/",
        reverse("api-docs"),
        "/ogc/api.html",
        reverse("accounts:login"),
        reverse("accounts:signup"),
        "/no/such/page/",
    ]


def test_every_public_page_is_policed(client, site):
    for url in public_pages(site):
        assert_policed(client.get(url, follow=True))


def test_every_staff_page_is_policed(admin_client, site):
    slug = site["campaign"].slug
    event = site["event"]
    for url in [
        "/admin/",
        "/admin/hotspots/hotspot/",
        f"/admin/hotspots/hotspot/{site['hotspot'].pk}/change/",
        # The geometry editor (geo.widgets.LocalOSMWidget: no inline script).
        f"/admin/geo/adminarea/{AdminArea.objects.filter(level='district')[0].pk}/change/",
        reverse("dashboard:index"),
        reverse("maps:heatmap"),
        reverse("maps:entrant", args=[event.entrant_id]),
        reverse("hotspots:queue"),
        reverse("events:event-review", args=[slug]),
        reverse("events:event", args=[event.pk]),
        reverse("events:registrations", args=[slug]),
        reverse("events:results-manage", args=[slug]),
        reverse("jobs:list"),
        reverse("events:campaign-new"),
        reverse("events:campaign-edit", args=[slug]),
        reverse("events:event-review-one", args=[event.pk]),
        reverse("events:leaderboard", args=[slug]),
        reverse("accounts:me"),
    ]:
        assert_policed(admin_client.get(url, follow=True))


def test_a_team_representatives_pages_are_policed(client, site, contest):
    client.force_login(contest.rep)
    for url in [
        reverse("events:my-entrant"),
        reverse("events:event-new"),
        reverse("events:event", args=[site["event"].pk]),
        reverse("certificates:verify", args=["no-such-code"]),
    ]:
        assert_policed(client.get(url, follow=True))


def test_folium_output_gets_the_nonce_on_every_inline_tag():
    from maps.assets import with_nonce

    html = (
        '<script src="/static/a.js"></script><style>#m{}</style>'
        '<SCRIPT>var a;</SCRIPT><script nonce="n0">b</script><scripts>'
    )
    assert with_nonce(html, "n1") == (
        '<script nonce="n1" src="/static/a.js"></script><style nonce="n1">#m{}</style>'
        '<SCRIPT nonce="n1">var a;</SCRIPT><script nonce="n0">b</script><scripts>'
    )


def test_the_nonce_changes_per_response(client, site):
    first = client.get(reverse("home"))["Content-Security-Policy"]
    second = client.get(reverse("home"))["Content-Security-Policy"]
    assert "'nonce-" in first and first != second


def test_swagger_ui_runs_its_start_up_script_from_our_origin(client):
    html = client.get(reverse("api-docs")).content.decode()
    assert '<script src="/api/docs/?script=' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
