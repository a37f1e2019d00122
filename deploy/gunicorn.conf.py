"""Gunicorn settings for OC Pizza (O-5). Supervisor starts:

    gunicorn ocpizza.wsgi:application --chdir=ocpizza --config=deploy/gunicorn.conf.py

from the checkout's root. Every value can be overridden by an environment variable, e.g. in the
`environment=` line of deploy/supervisor/ocpizza.conf.
"""
import multiprocessing
import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent

wsgi_app = "ocpizza.wsgi:application"
chdir = str(REPO_DIR / "ocpizza")

# Nginx proxies to this address; never expose it publicly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, the usual (2 x cores) + 1: requests wait on MySQL, not on the CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
# The master imports Django and the apps once, then forks the workers: a (re)start costs one
# start-up instead of one per worker (five on two cores, competing for them while Nginx answers
# 502), a worker recycled by max_requests starts at once, and the workers share the imported code's
# memory. Nothing connects at import time (database, Redis and Stripe connections open on first
# use, in each worker; Sentry's sender thread restarts in each). New code needs a restart of the
# master, which is what an update does (`supervisorctl restart ocpizza`, docs/exploitation.md).
preload_app = True

# A request taking longer than this is a bug: the worker is killed and Sentry sees the timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30  # `supervisorctl restart` lets running requests finish
keepalive = 5

# Recycle workers now and then so that a slow leak never grows.
max_requests = 1000
max_requests_jitter = 100

# Trust X-Forwarded-* only from Nginx on the same host.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# stdout/stderr: Supervisor writes them to /var/log/ocpizza/gunicorn.{out,err}.log and rotates them.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
capture_output = True
proc_name = "ocpizza"
# Supervisor starts, stops and restarts the app; Gunicorn's own control socket (one per user,
# shared by every instance) is not used.
control_socket_disable = True
