"""The project's settings plus a bare "hello" view (bench/urls.py): what the benchmarks serve.

Nothing else differs, so the hello view goes through the same middleware stack, gunicorn
workers and database settings as the pages it is compared with.
"""
from ocpizza.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
