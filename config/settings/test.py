"""Test settings: the real PostGIS, fast hashing, no outside network."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, REDIS_URL, celery_url, env, redis_url

SECRET_KEY = env("SECRET_KEY") or "test-only-key"
# The demo builders and commands are tested, and tests build data with them.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# Tests never reach a tile server: a local URL that nothing answers.
MAP_TILE_URL = "/static/tiles/{z}/{x}/{y}.png"
# ... and draw our own fallback base map (boundaries, waterways, labels).
MAP_BASEMAP = "fallback"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Parallel test runs on one server (several checkouts, helpers) each get their own
# test database: TEST_DB_SUFFIX=abc -> test_<name>_abc.
if env("TEST_DB_SUFFIX"):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{env('TEST_DB_SUFFIX')}"  # noqa: F405
    }

# Tests use the project's Redis (its own databases): each run (checkout, helper)
# its own key prefix and queue, so runs side by side do not see each other.
# Under pytest-xdist (`make test` runs two workers) each worker is a run of its own
# too; pytest-django already gives each worker its own database.
_RUN = "-".join(
    filter(None, [env("TEST_DB_SUFFIX") or "main", env("PYTEST_XDIST_WORKER")])
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url(REDIS_URL, 2),
        "KEY_PREFIX": f"test-{_RUN}",
    }
}
CELERY_BROKER_URL = celery_url(REDIS_URL, 3)
CELERY_TASK_DEFAULT_QUEUE = f"test-{_RUN}"
ANALYSIS_JOB_DELAY_S = 0.0
# Tests write then read a tile at once (tests/maps/test_tiles.py sets it to
# check the reuse).
TILE_VERSION_TTL_S = 0.0

# The suite runs on one database; tests/test_replica.py starts a real replica and
# drives it in a subprocess that sets TEST_REPLICA=1.
if not env("TEST_REPLICA"):
    DATABASES.pop("replica", None)  # noqa: F405
    DATABASE_ROUTERS: list[str] = []
