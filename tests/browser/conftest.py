"""Browser tests: Playwright's Python package driving Debian's Chromium.

Never `playwright install` (it downloads a browser); the system Chromium is
launched with the flags this machine needs. Pages come from pytest-django's
live server (a real HTTP server on 127.0.0.1 over the test database).
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in
# the test body (fixtures) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} `
    + `at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
});
"""
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1366, "height": 850}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser, live_server):
    viewport = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(
        viewport=viewport,
        locale="vi-VN",
        is_mobile=request.param == "phone",
        has_touch=request.param == "phone",
        base_url=live_server.url,
    )
    page = context.new_page()
    outside: list[str] = []
    # Nothing may load from outside this machine (no CDN, no tile server).
    page.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if not req.url.startswith((live_server.url, "data:", "about:", "blob:"))
            else None
        ),
    )
    page.outside_requests = outside
    # Every page must run under the Content-Security-Policy without a violation:
    # each one is recorded (the event, and Chromium's console report of it) and
    # fails the test at teardown.
    page.csp_violations = []
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text or "CSP violation" in msg.text
            else None
        ),
    )
    yield page
    violations = list(page.csp_violations)
    context.close()
    assert violations == [], violations
