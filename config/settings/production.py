"""Production settings: everything secret or host-specific must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, SILENCED_SYSTEM_CHECKS, env, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
DEBUG = False

# --- HTTPS (README "Deploying") -----------------------------------------------
# Behind a TLS-terminating proxy (the normal case) the proxy must set
# X-Forwarded-Proto on every request and strip any value a client sent: with
# this header trusted, a client talking to the app directly could claim HTTPS.
# BEHIND_TLS_PROXY=0 when the app itself terminates TLS (or for a plain-HTTP
# test rig), so the header is never trusted.
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer probes /healthz over plain HTTP: answer it, do not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# One year: the whole site is HTTPS-only (the redirect above), and a year is what
# browsers' preload lists and scanners expect. Start a new domain lower (e.g.
# 300) until HTTPS is known good: a browser keeps the promise for max-age.
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
# Off unless the operator opts in: they bind every subdomain of the host (which
# may not be ours to promise) and preloading cannot be undone quickly.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    # security.W005/W021 ask for includeSubDomains/preload: a decision about the
    # operator's whole domain, left to them above (set both to 1 to opt in; the
    # checks then pass unsilenced).
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
