"""Django in a fresh process, the way a server starts it: settings are read once, from the
environment, when Django starts, so a test of another environment runs in a process of its own."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def run_django(code: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "tracker.settings", **environment}
    return subprocess.run(
        [sys.executable, *code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )
