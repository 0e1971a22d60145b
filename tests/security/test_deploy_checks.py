"""The production settings pass Django's deployment checklist and behave as it says.

Each test runs the production settings in a subprocess (they refuse to load
without a SECRET_KEY, and must not leak into the test process's settings).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "BEHIND_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        CSRF_TRUSTED_ORIGINS="https://example.org",
        **extra,
    )
    return env


def check_deploy(**extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_reports_no_issues():
    result = check_deploy()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_opting_in_to_hsts_subdomains_and_preload_still_passes():
    result = check_deploy(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Only gis.W001 (a false positive here, explained in base.py) stays silenced.
    assert "System check identified no issues (1 silenced)" in output


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="example.org")
out = {}
for name, path, headers in [
    ("plain_page", "/hotspots/", {}),
    ("plain_healthz", "/healthz", {}),
    ("https_page", "/accounts/login/", {"HTTP_X_FORWARDED_PROTO": "https"}),
]:
    r = client.get(path, **headers)
    out[name] = {
        "status": r.status_code,
        "location": r.headers.get("Location"),
        "hsts": r.headers.get("Strict-Transport-Security"),
        "referrer": r.headers.get("Referrer-Policy"),
        "coop": r.headers.get("Cross-Origin-Opener-Policy"),
        "csp": r.headers.get("Content-Security-Policy"),
    }
print(json.dumps(out))
"""


def probe(**extra) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        # No database is needed: the redirect and the login page come first.
        env=production_env(
            DATABASE_URL="postgis://postgres@127.0.0.1:9/chx_none", **extra
        ),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_http_but_not_the_health_probe():
    out = probe()
    assert out["plain_page"]["status"] == 301
    assert out["plain_page"]["location"] == "https://example.org/hotspots/"
    # The load balancer's plain-HTTP probe is answered (503: no database here).
    assert out["plain_healthz"]["status"] == 503
    page = out["https_page"]
    assert page["status"] == 200
    assert page["hsts"] == "max-age=31536000"
    assert page["referrer"] == "same-origin"
    assert page["coop"] == "same-origin"
    # The policy of every environment (tests/security/test_csp.py checks it).
    assert "script-src 'self'" in page["csp"]
    assert "'unsafe-inline'" not in page["csp"].split("script-src")[1].split(";")[0]


def test_without_a_tls_proxy_the_forwarded_header_is_not_trusted():
    out = probe(BEHIND_TLS_PROXY="0")
    # X-Forwarded-Proto is ignored: the request is still plain HTTP.
    assert out["https_page"]["status"] == 301
