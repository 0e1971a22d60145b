"""Local settings: `make run` and manage.py on a developer's machine."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env, env_bool

DEBUG = env_bool("DEBUG", False)
# A stable, machine-local key; production must set SECRET_KEY itself.
SECRET_KEY = env("SECRET_KEY") or "local-only-insecure-key-do-not-use-in-production"

# Development only: load_demo (run by `make run`), generate_data, the demo builders.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
