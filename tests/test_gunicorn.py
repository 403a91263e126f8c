"""gunicorn.conf.py's hooks, run as gunicorn runs them, in a process of their own: the garbage
collector's freeze changes the whole process."""

import json

from tests.django_process import run_django

# The master loads the site (preload_app), is ready, forks; a worker then serves requests.
PROBE = """
import gc, json, runpy
import django
django.setup()
conf = runpy.run_path("gunicorn.conf.py")

class Log:
    def exception(self, *args):
        raise AssertionError(args)

class Server:
    log = Log()

class Worker:
    nr = 0  # gunicorn counts each request before its post_request hook

def serve(worker):
    worker.nr += 1
    conf["post_request"](worker, None, {}, None)

conf["when_ready"](Server())
in_master = gc.get_freeze_count()
built_by_worker = [[n] for n in range(10_000)]  # what serving builds: templates, patterns
worker = Worker()
for _ in range(conf["WARM_REQUESTS"] - 1):
    serve(worker)
before_warm = gc.get_freeze_count()
serve(worker)
warm = gc.get_freeze_count()
serve(worker)
print(json.dumps({
    "in_master": in_master,
    "before_warm": before_warm,
    "warm": warm,
    "after": gc.get_freeze_count(),
    "young": len(gc.get_objects()),
}))
"""


def test_long_lived_objects_are_frozen_in_the_master_and_once_in_each_warm_worker(tmp_path):
    result = run_django(["-c", PROBE], {"DJANGO_DEBUG": "0", "CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    # Django and the site, loaded before the fork, are out of the collector's walk.
    assert counts["in_master"] > 50_000
    # A worker's own objects are frozen once it has served its first requests, not before...
    assert counts["before_warm"] == counts["in_master"]
    assert counts["warm"] >= counts["in_master"] + 10_000
    # ...and only once: a later request freezes nothing more.
    assert counts["after"] == counts["warm"]
    assert counts["young"] < 1_000
