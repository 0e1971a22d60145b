"""The Celery app: background jobs (jobs/) with Redis as the broker.

`celery -A config worker` (started by `make run`) reads the CELERY_* settings.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("chunhatxanh")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
