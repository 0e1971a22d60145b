"""gunicorn settings for `make run` (and production): gunicorn -c config/gunicorn.conf.py.

Every value can be changed from the environment. Figures behind the defaults are
in README ("Serving"): on 2 cores, 3 processes of 4 threads each served the
mixed load with a lower p99 than 3 single-threaded workers, since most of a
request is spent waiting on PostgreSQL or Redis, not on the CPU.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Load Django and every view module once, before forking: no worker pays the
# ~4 s of imports (GeoDjango, GDAL, pandas, esda) on its first request, and the
# workers share those pages of memory.
preload_app = True
# A request that runs this long is a bug (heavy work runs as a background job):
# the worker is restarted rather than left stuck.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
