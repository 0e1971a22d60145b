"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

# Import every URL's view module now (gunicorn's preload_app runs this once,
# before forking the workers), rather than on each worker's first request.
from django.urls import get_resolver  # noqa: E402

_views = get_resolver().url_patterns
