"""Deployment (O-3, O-5, O-9): `release-tasks.sh` on a fresh database, twice, leaves the same
state; Gunicorn started with deploy/gunicorn.conf.py serves /healthz and the site."""
import json
import os
import signal
import subprocess
import sys

import pytest
from django.db import connection

from tests.ops_helpers import REPO_DIR, fresh_database_url, free_port, http_get, manage, production_env, wait_for_http


def _state(env):
    """Every row of every model (dumpdata), the applied migrations and the collected static files."""
    data = manage(env, "dumpdata", "--indent", "0").stdout
    rows = sorted(json.dumps(row, sort_keys=True) for row in json.loads(data))
    migrations = manage(env, "showmigrations", "--plan").stdout
    manifest = (REPO_DIR / env["STATIC_ROOT"] / "staticfiles.json").read_text()
    return rows, migrations, manifest


def _release(env):
    return subprocess.run(
        ["bash", str(REPO_DIR / "release-tasks.sh")], env=env, cwd=REPO_DIR, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def released_site(tmp_path_factory, django_db_blocker):
    """A fresh database of the suite's engine, set up by release-tasks.sh in production mode."""
    workdir = tmp_path_factory.mktemp("release")
    with django_db_blocker.unblock():
        url, drop = fresh_database_url(connection.settings_dict, workdir, "release")
    env = production_env(workdir, database_url=url)
    try:
        first = _release(env)
        assert first.returncode == 0, first.stdout + first.stderr
        yield env
    finally:
        drop()


def test_release_tasks_twice_on_a_fresh_database_leave_the_same_state(released_site):
    env = released_site
    after_first = _state(env)
    rows, migrations, _manifest = after_first
    assert "[ ]" not in migrations and "[X]" in migrations
    models = {json.loads(row)["model"] for row in rows}
    assert {"product.product", "product.recipeline", "product.ingredient", "auth.group"} <= models
    assert not {"pizzeria.pizzeria", "account.user", "order.order"} & models  # no demo data in production

    second = _release(env)
    assert second.returncode == 0, second.stdout + second.stderr
    after_second = _state(env)
    assert sorted(set(after_second[0]) ^ set(rows))[:10] == []
    assert after_second == after_first


def test_gunicorn_from_deploy_serves_healthz_and_the_site(released_site, tmp_path):
    port = free_port()
    env = dict(released_site, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2")
    log = open(tmp_path / "gunicorn.log", "w+")
    # The command of deploy/supervisor/ocpizza.conf, run from the checkout's root.
    process = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "ocpizza.wsgi:application",
         "--chdir=ocpizza", "--config=deploy/gunicorn.conf.py"],
        cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https", "Host": "www.ocpizza.fr"}
    try:
        status, _headers, body = wait_for_http(f"{base}/healthz", process=process)
        assert status == 200, body
        assert json.loads(body) == {"status": "ok", "database": "ok", "migrations": "ok"}

        # Behind Nginx (X-Forwarded-Proto: https) the public site answers, with HSTS.
        status, headers, body = http_get(f"{base}/", headers=https)
        assert status == 200, body[:2000]
        assert "Choisissez votre pizzeria" in body
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")

        # Plain HTTP is sent to HTTPS, except the probe.
        status, headers, _body = http_get(f"{base}/", headers={"Host": "www.ocpizza.fr"})
        assert status == 301 and headers["Location"] == "https://www.ocpizza.fr/"

        # An unknown host is refused (ALLOWED_HOSTS), not served.
        status, _headers, _body = http_get(f"{base}/", headers={**https, "Host": "evil.example"})
        assert status == 400

        # Static files collected by release-tasks.sh, with hashed names, are served.
        manifest = json.loads((REPO_DIR / env["STATIC_ROOT"] / "staticfiles.json").read_text())
        hashed = manifest["paths"]["admin/css/base.css"]
        status, headers, body = http_get(f"{base}/static/{hashed}", headers=https)
        assert status == 200 and "text/css" in headers["Content-Type"] and body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.seek(0)
        output = log.read()
        log.close()
    assert "Booting worker" in output
    # A stranger's Host header is refused quietly: no traceback in the logs for bots' probes.
    assert "Traceback" not in output, output
