"""gunicorn settings for `make serve` and the benchmark: the production server of the site."""

import multiprocessing
import os

# Loopback unless HOST says otherwise (a reverse proxy in front is the usual deployment).
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers, the usual 2 × cores + 1: each request is short and the database is local.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
wsgi_app = "tracker.wsgi:application"
preload_app = True  # load Django once, then fork: faster start, shared memory
timeout = 60
graceful_timeout = 10
accesslog = os.environ.get("ACCESS_LOG") or None  # "-" logs requests to stdout
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
