"""Test settings: the real PostGIS, fast hashing, no outside network."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, env

SECRET_KEY = env("SECRET_KEY") or "test-only-key"
# The demo builders and commands are tested, and tests build data with them.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# Tests never reach a tile server: a local URL that nothing answers.
MAP_TILE_URL = "/static/tiles/{z}/{x}/{y}.png"
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
