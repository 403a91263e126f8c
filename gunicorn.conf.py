"""gunicorn settings for `make serve` and the benchmark: the production server of the site."""

import gc
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
# The longest request line gunicorn reads ("GET <address> HTTP/1.1"): 8,190 bytes, its maximum.
# The site answers an address over 8,000 characters with its own 414 (tracker/middleware.py);
# only a longer one meets gunicorn's bare 414.
limit_request_line = 8190
# One header, a cookie included, up to 8,190 bytes (gunicorn's default, said here on purpose);
# a longer one gets gunicorn's 431.
limit_request_field_size = 8190


# Python's full garbage collection walks every object a worker holds, Django's own included:
# about 80 ms at a time on this site, a pause for whichever request it lands in (the slowest
# hundredth of pages). Frozen objects are left out of the walk: what the master loaded before
# forking, then what each worker built while serving its first requests (compiled templates,
# URL patterns, translations). Frozen in the master, the memory pages they sit on also stay
# shared between workers instead of being copied when the collector touches them.
WARM_REQUESTS = 100


def post_request(worker, req, environ, resp):
    if worker.nr == WARM_REQUESTS:  # the requests gunicorn has counted, this one included
        # No collection first: a freeze alone costs nothing, where a collection would be the
        # very pause this avoids; the few cycles not yet collected are kept, once.
        gc.freeze()


def when_ready(server):
    # A new release may render the same record differently: a new generation, so neither the
    # page cache nor a browser or CDN revalidating its ETag keeps a page of the old code.
    from agencies import page_cache

    try:
        page_cache.new_generation()
    except Exception:  # the cache unreachable: /readyz says so, and the site still starts
        server.log.exception("Could not move the page generation at start")
    # Before the first worker is forked, and before any request waits on it.
    gc.collect()
    gc.freeze()
