"""Settings shared by every environment; everything variable comes from the environment."""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def default_database_url() -> str:
    """Return the URL of the project's own PostGIS, written by scripts/db.sh."""
    url_file = VAR_DIR / "pg" / "DATABASE_URL"
    if url_file.exists():
        return url_file.read_text(encoding="utf-8").strip()
    raise ImproperlyConfigured(
        "DATABASE_URL is not set and the project's own database has not been "
        "set up yet: run `make run` (or `make db`) first."
    )


SECRET_KEY = env("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The apps of every environment; local.py and test.py add the dev-only "demo".
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "accounts",
    "jobs",
    "geo",
    "hotspots",
    "events",
    "maps",
    "ogc",
    "ops",
    "notifications",
]

MIDDLEWARE = [
    # Outermost: a lost database anywhere below is a 503 (config/outage.py).
    "config.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "config.cors.PublicReadCorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it asks who the user is); no-op without a replica.
    "config.middleware.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused by the lockout into accounts.lockout's 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or default_database_url(),
        engine="django.contrib.gis.db.backends.postgis",
        # Persistent connections: a new connection per request is ~17x slower.
        conn_max_age=int(env("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# PostgreSQL's JIT compiles each big query for 0.5-1.8 s before running it (measured
# on the coverage-gap anti-join at 1M hotspots: 1.7 s of JIT for 0.56 s of work);
# our heavy queries are many short index probes, which JIT does not speed up.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A streaming read replica (scripts/replica.sh makes one): config/routers.py sends
# the reads of anonymous public GETs there; writes, staff and anyone who has just
# written read the primary. Unset: one database, no router, as before.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(env("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    # The primary's server options (libpq `options`, e.g. `-c jit=off`), never its
    # host or port (dj_database_url puts a socket host in OPTIONS).
    if "options" in DATABASES["default"].get("OPTIONS", {}):
        _replica["OPTIONS"].setdefault(
            "options", DATABASES["default"]["OPTIONS"]["options"]
        )
    # An unreachable replica host fails in seconds (then the primary answers).
    _replica["OPTIONS"].setdefault("connect_timeout", 3)
    # Under the test runner the alias points at the test database (Django creates
    # nothing on a read-only standby, and no test reads the real replica);
    # tests/test_replica.py runs real replication in its own clusters.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
# Seconds a worker reads the primary only after the replica failed a request.
REPLICA_RETRY_SECONDS = int(env("REPLICA_RETRY_SECONDS", "30"))
# The Retry-After (seconds) of the 503 answered while the database is down.
DATABASE_UNAVAILABLE_RETRY_AFTER_S = int(
    env("DATABASE_UNAVAILABLE_RETRY_AFTER_S", "30")
)
# Path prefixes whose anonymous GETs may read the replica; the second list wins
# (the reporter's follow page must see a report that has just landed).
REPLICA_READ_PATHS = env_list(
    "REPLICA_READ_PATHS",
    "/tiles/,/api/v1/hotspots/,/api/v1/coverage/,/api/v1/analysis/,"
    "/maps/,/embed/map/,/exports/,/hotspots/,/ogc/",
)
REPLICA_PRIMARY_PATHS = env_list(
    "REPLICA_PRIMARY_PATHS", "/hotspots/follow/,/hotspots/report/,/hotspots/queue/"
)
# How long after a write a client keeps reading the primary (cookie max-age, s):
# well above the replication lag measured here (a few ms), and above a replay
# paused behind a long query on the replica.
REPLICA_STICKY_SECONDS = int(env("REPLICA_STICKY_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Redis: the shared cache and the job queue -------------------------------
def default_redis_url() -> str:
    """Return the URL of the project's own Redis, written by scripts/redis.sh."""
    url_file = VAR_DIR / "redis" / "REDIS_URL"
    if url_file.exists():
        return url_file.read_text(encoding="utf-8").strip()
    raise ImproperlyConfigured(
        "REDIS_URL is not set and the project's own Redis has not been set up "
        "yet: run `make run` (or `make redis`) first."
    )


def redis_url(base: str, db: int) -> str:
    """Return `base` (redis://, rediss:// or unix://) pointing at database `db`."""
    scheme, _, rest = base.partition("://")
    if scheme == "unix":
        return f"unix://{rest.split('?')[0]}?db={db}"
    host = rest.split("/")[0]
    return f"{scheme}://{host}/{db}"


def celery_url(base: str, db: int) -> str:
    """Return the same Redis database as Celery (kombu) spells it."""
    scheme, _, rest = base.partition("://")
    if scheme == "unix":
        return f"redis+socket://{rest.split('?')[0]}?virtual_host={db}"
    return redis_url(base, db)


REDIS_URL = env("REDIS_URL") or default_redis_url()
REDIS_CACHE_DB = int(env("REDIS_CACHE_DB", "0"))
REDIS_BROKER_DB = int(env("REDIS_BROKER_DB", "1"))
# One cache for every worker and process: DRF throttles, analysis results and
# layer versions mean the same thing in all of them and survive a restart.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url(REDIS_URL, REDIS_CACHE_DB),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "chx"),
        "TIMEOUT": 300,
    }
}

# A stored analysis (gaps, Gi*) is recomputed this long after the first request
# that finds it stale: requests meanwhile join the waiting job (the debounce).
ANALYSIS_JOB_DELAY_S = float(env("ANALYSIS_JOB_DELAY_S", "10"))

# Background jobs (jobs/): Celery with Redis as the broker. Results are recorded
# in the jobs.Job table (visible to organisers), not in a Celery result backend.
CELERY_BROKER_URL = celery_url(REDIS_URL, REDIS_BROKER_DB)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "chx")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a job killed mid-way is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redelivery of an unacknowledged job after this many seconds (longer than any job).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

AUTH_USER_MODEL = "accounts.User"
# axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.IdentifierBackend",
]
# Login lockout (django-axes) on every login form and the token endpoint: after
# AXES_FAILURE_LIMIT wrong passwords for one identifier from one address, that
# pair is refused for AXES_COOLOFF_MINUTES (a 429). Counting the pair, not the
# address alone, keeps a shared address (a school, a mobile carrier's NAT) and
# the account's owner elsewhere able to sign in; counting it, not the account
# alone, keeps a stranger from locking someone out. Failures are kept in the
# database (axes's AccessAttempt): the same for every worker, across restarts.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout: tries during it are refused, not counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"  # DRF's get_ident, NUM_PROXIES
AXES_USERNAME_CALLABLE = "accounts.lockout.identifier"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# No login history is kept (axes's AccessLog): only the failures that count.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every start (commands print what they do)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# One date format on every page (dd/mm/yyyy, 24-hour): config/formats/<lang>/.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end map assets come from the npm registry at set-up time (package.json);
# they are served as our own static files and never committed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor", VAR_DIR / "vendor"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))

REST_FRAMEWORK = {
    # The token first: a missing or invalid credential is a 401 with
    # WWW-Authenticate: Token (config.authentication); session writes keep CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "config.api.SafeJSONParser",
        "config.api.LimitedMultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "report_anon": env("THROTTLE_REPORT_ANON", "60/hour"),
        "report_user": env("THROTTLE_REPORT_USER", "300/hour"),
        "confirm": env("THROTTLE_CONFIRM", "300/hour"),
    },
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Throttling trusts X-Forwarded-For per NUM_PROXIES: 0 unless behind a known proxy.
    "NUM_PROXIES": int(env("NUM_PROXIES", "0")),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Chủ nhật xanh API",
    "DESCRIPTION": (
        "REST API of the Green Sunday platform. Geometries are GeoJSON in "
        "WGS84 (EPSG:4326), coordinates in (longitude, latitude) order."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies as their own components: required text fields get
    # minLength 1, read-only fields are not asked for (a truthful request schema).
    "COMPONENT_SPLIT_REQUEST": True,
    # The GeoJSON "type" members, named (not Type08eEnum).
    "ENUM_NAME_OVERRIDES": {
        "GisFeatureEnum": ("Feature",),
        "GisFeatureCollectionEnum": ("FeatureCollection",),
        # Each choice set named once, after its model's choices (not after the
        # field: `decision`/`verdict`, `verified_method`/`weight_method` share one;
        # a hotspot's and a prize's `category` differ).
        "HotspotCategoryEnum": "hotspots.models.Category",
        "VerdictEnum": "events.models.Verdict",
        "WeightMethodEnum": "events.models.WeightMethod",
    },
}

# --- CORS (config.cors, django-cors-headers) ------------------------------------
# Browsers on other origins (a dashboard, a news site) may read the public
# read-only surface, never with credentials; writes and staff pages unchanged.
# CORS_ALLOWED_ORIGINS: comma-separated origins; empty (default) = any origin.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "content-type",
    "if-modified-since",
    "if-none-match",
    "range",
]
CORS_EXPOSE_HEADERS = [
    "Accept-Ranges",
    "Content-Disposition",
    "Content-Language",
    "Content-Length",
    "Content-Range",
    "ETag",
    "Last-Modified",
    "Link",
]
CORS_PREFLIGHT_MAX_AGE = int(env("CORS_PREFLIGHT_MAX_AGE", "86400"))
# The public reads: hotspots (list, nearby, one), areas, campaigns (list, one,
# leaderboard, results), events (list, one), coverage and analyses; the
# schema, tiles, OGC API, exports and Open311. Not: tokens, hotspot actions,
# entrants, decisions, review, freeze/reopen, pages, admin.
CORS_URLS_REGEX = (
    r"^/(?:api/v1/(?:areas/(?:locate/)?|hotspots/(?:nearby/|\d+/)?"
    r"|campaigns/(?:[-\w]+/(?:leaderboard/(?:\d+/)?|results/)?)?|events/(?:\d+/)?"
    r"|coverage/(?:hexagons/|gaps/)?|analysis/clusters/)$"
    r"|api/schema/|tiles/|ogc/|exports/|open311/v2/)"
)

# --- Exports by URL (maps.export_files) --------------------------------------
# Files written once per data version and served with byte ranges (GDAL's
# /vsicurl/, QGIS): where, how long a file is trusted, how much disk at most.
EXPORT_CACHE_DIR = env("EXPORT_CACHE_DIR", str(VAR_DIR / "exports"))
EXPORT_CACHE_SECONDS = int(env("EXPORT_CACHE_SECONDS", "300"))
EXPORT_CACHE_MAX_BYTES = int(env("EXPORT_CACHE_MAX_BYTES", str(2 * 1024**3)))

# --- Geography -------------------------------------------------------------
# The service envelope (lon_min, lat_min, lon_max, lat_max), WGS84: every user
# geometry must lie inside it. Default: Thừa Thiên Huế's extent plus a margin.
SERVICE_ENVELOPE = tuple(
    float(v) for v in env_list("SERVICE_ENVELOPE", "106.8,15.8,108.4,16.95")
)
GEOMETRY_MAX_VERTICES = int(env("GEOMETRY_MAX_VERTICES", "5000"))
# Base-map tiles: a setting, so an intranet can point at its own tile server.
# Seconds a web worker reuses a tile layer's data version (a cached tile then
# needs no database query; a write reaches the map at most this much later).
TILE_VERSION_TTL_S = float(env("TILE_VERSION_TTL_S", "1"))
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Which base map the maps draw: "tiles" (raster tiles from MAP_TILE_URL: the
# public OSM server or an intranet one), "mbtiles" (a raster MBTiles file,
# MAP_BASEMAP_MBTILES, served by maps.basemap_views), "fallback" (our own
# boundaries, waterways and labels: no tile server at all) or "none". Empty:
# "tiles" when MAP_TILE_URL is set, else "fallback".
MAP_BASEMAP = env("MAP_BASEMAP", "")
MAP_BASEMAP_MBTILES = env("MAP_BASEMAP_MBTILES", "")
# The fallback's waterway lines (GeoJSON LineStrings with a "name"); empty: none.
MAP_BASEMAP_WATERWAYS = env(
    "MAP_BASEMAP_WATERWAYS", str(BASE_DIR / "fixtures" / "demo" / "waterways.geojson")
)
MAP_CENTER = (16.46, 107.59)  # (lat, lon) as Leaflet wants it: Huế
MAP_ZOOM = 9


# --- Content-Security-Policy (django-csp, csp.middleware.CSPMiddleware) -------
# Scripts only from our own origin or inline with the request's nonce (folium's
# output gets it through maps.assets.with_nonce, our templates through
# request.csp_nonce); no eval, no inline event handlers. <style> blocks need the
# nonce too; style *attributes* stay allowed (style-src-attr): Leaflet's and
# folium's popups and our legend swatches set colours that way, and an attribute
# cannot run script. Tiles may come from another host (MAP_TILE_URL): images and
# MapLibre's fetches may reach its origin. MapLibre runs its workers from blob:.
def _url_origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


CSP_TILE_ORIGINS = [
    origin
    for origin in [_url_origin(MAP_TILE_URL), *env_list("CSP_EXTRA_TILE_ORIGINS", "")]
    if origin
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "style-src-attr": [csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "blob:", *CSP_TILE_ORIGINS],
        "connect-src": [csp.SELF, *CSP_TILE_ORIGINS],
        "worker-src": [csp.SELF, "blob:"],
        "font-src": [csp.SELF, "data:"],
        "frame-ancestors": [csp.NONE],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "chunhatxanh@localhost")
# The site's public address: links in emails (notifications, unsubscribe) start with it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Version of the terms a resident consents to when signing up (recorded per user).
TERMS_VERSION = env("TERMS_VERSION", "2026-11")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # django-axes logs every failed login at INFO (with the identifier typed):
    # only lockouts (WARNING) reach the log.
    "loggers": {"axes": {"level": env("AXES_LOG_LEVEL", "WARNING")}},
}

# GDAL 3.6 (Debian 12) cannot block file/network access from spatial references.
# We never build a SpatialReference from client input (geo.spatial refuses any
# `crs` member or SRID; load_areas reads files an operator chose), so the warning
# is acknowledged here rather than shown on every command.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Hotspots ---------------------------------------------------------------
# Open hotspots within this distance of a new report are offered as duplicates;
# a report this close to a cleaned hotspot reopens it.
HOTSPOT_DUPLICATE_RADIUS_M = float(env("HOTSPOT_DUPLICATE_RADIUS_M", "50"))
HOTSPOT_NEARBY_MAX_RADIUS_M = 2000.0
# Priority score weights (hotspots/scoring.py explains the formula).
HOTSPOT_SCORE = {
    "MASS_POINTS": 10.0,
    "CATEGORY_WEIGHTS": {
        "plastic": 2.0,
        "water_hyacinth": 1.5,
        "hazardous": 1.5,
        "household": 1.0,
        "construction": 0.8,
        "other": 0.8,
    },
    "CONFIRMATION_POINTS": 2.0,
    "CONFIRMATION_CAP": 10,
    "RECURRENCE_POINTS": 5.0,
    "PRIORITY_POINTS": 25.0,
}
# Version of the notice shown when an anonymous reporter leaves contact details.
CONTACT_NOTICE_VERSION = env("CONTACT_NOTICE_VERSION", "2026-11")
# Requests larger than this are refused with 413 (photos are capped separately).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Photos (hotspots/photos.py) --------------------------------------------
PHOTO_MAX_BYTES = int(env("PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))  # per file
PHOTO_MAX_FILES = int(env("PHOTO_MAX_FILES", "5"))  # per report
PHOTO_MAX_REQUEST_BYTES = int(env("PHOTO_MAX_REQUEST_BYTES", str(30 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(env("PHOTO_MAX_PIXELS", "40000000"))
PHOTO_MAX_EDGE = int(env("PHOTO_MAX_EDGE", "2048"))  # longest edge kept, px
PHOTO_THUMB_EDGE = int(env("PHOTO_THUMB_EDGE", "400"))
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Contest ----------------------------------------------------------------
# Version of the personal-data notice entrants consent to (recorded per consent).
ENTRANT_NOTICE_VERSION = env("ENTRANT_NOTICE_VERSION", "2026-11")

# --- Maps and dashboard (maps.public_views, maps.dashboard_views) ------------
# Above this many points a heatmap is summed into grid cells on the server, so
# the page stays light (folium inlines ~23 bytes per heat point).
HEATMAP_POINT_LIMIT = int(env("HEATMAP_POINT_LIMIT", "5000"))
# Origins (https://news.example.vn) allowed to frame /embed/map/ besides this
# site; empty: only this site. Every other page keeps X-Frame-Options.
EMBED_FRAME_ANCESTORS = env_list("EMBED_FRAME_ANCESTORS", "")

# --- Hexagon analyses (maps/hexagons.py) -------------------------------------
HEX_RESOLUTION = int(env("HEX_RESOLUTION", "8"))  # H3; 8 is ~0.74 km² a cell
GAP_DISTANCE_M = float(env("GAP_DISTANCE_M", "500"))
