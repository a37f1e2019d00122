"""Imported once, by the fork server of tests/support/manage_fork.py: the third-party modules that
make up most of a `manage.py` start, and nothing that reads the project's
settings. Every check then runs in a child forked from that server, which imports the project's
settings fresh from its own environment.

Why each is safe to import before the environment is known:
- none of them reads django.conf.settings at import: `settings` is still unconfigured and no
  project module is loaded once they are in (checked below); the Django apps among the packages
  (algoliasearch_django, axes, unfold, import_export, csp, simple_history, whitenoise, ipware,
  environ) are left out, since some read settings when imported;
- the environment variables they read at import (celery's C_*/CELERY_*, reportlab's RL_*,
  kombu's KOMBU_*, Pillow's PILLOW_*, stripe's STRIPE_LOG, HOME, USER...) are recorded here, and
  each child refuses to run if its environment gives one of them another value
  (manage_fork._run_manage_py): what was frozen here is then what a fresh process would have read.
"""
import os
import sys
from pathlib import Path

THIRD_PARTY = [
    # Django's own modules that need no settings to be imported (no model, no app).
    "django.core.management",
    "django.contrib.admin",
    "django.urls",
    "django.templatetags.static",
    "django.template.defaulttags",
    "django.template.defaultfilters",
    "django.utils.log",
    "django.views.generic.base",
    "django.db.migrations.autodetector",
    "django.db.migrations.executor",
    "django.db.migrations.loader",
    "django.db.migrations.writer",
    # Documents, spreadsheets, payments, the job queue, the MySQL driver.
    "reportlab.platypus",
    "reportlab.lib.colors",
    "reportlab.lib.styles",
    "openpyxl.reader.excel",
    "tablib",
    "stripe",
    "celery.app",
    "celery.worker",
    "celery.schedules",
    "celery.loaders.base",
    "pymysql",
    "segno",
    "PIL.ImageOps",
    "python_ipware",
    "defusedxml.expatreader",
    "diff_match_patch",
    # multiprocessing re-imports the test runner's main script in each child; pytest already
    # loaded makes that instant.
    "pytest",
]

# The project's packages (the folders of ocpizza/): none may be loaded by the preload.
PROJECT_PACKAGES = {path.name for path in (Path(__file__).resolve().parents[2] / "ocpizza").iterdir()
                    if (path / "__init__.py").exists()}

# name -> value (None: unset) of every environment variable read while importing THIRD_PARTY;
# ALL when one of them went through the whole environment.
READ_AT_IMPORT = {}
ALL = object()


def _record_environment_reads():
    getitem, iterate = os._Environ.__getitem__, os._Environ.__iter__

    def recording_getitem(environ, key):
        try:
            value = getitem(environ, key)
        except KeyError:
            READ_AT_IMPORT.setdefault(key, None)
            raise
        READ_AT_IMPORT.setdefault(key, value)
        return value

    def recording_iter(environ):
        READ_AT_IMPORT[ALL] = True
        return iterate(environ)

    os._Environ.__getitem__, os._Environ.__iter__ = recording_getitem, recording_iter
    return lambda: setattr(os._Environ, "__getitem__", getitem) or setattr(os._Environ, "__iter__", iterate)


_stop_recording = _record_environment_reads()
try:
    for name in THIRD_PARTY:
        __import__(name)
finally:
    _stop_recording()

import django.conf  # noqa: E402  (loaded by the imports above; read to check them)

_loaded = sorted(name for name in sys.modules if name.split(".")[0] in PROJECT_PACKAGES)
if django.conf.settings.configured or _loaded:
    raise RuntimeError(f"a preloaded module read Django's settings or imported the project ({_loaded}): "
                       "take it off manage_fork_preload.THIRD_PARTY")
