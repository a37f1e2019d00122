"""Deployment (O-3, O-5, O-9): `release-tasks.sh` on a fresh database, twice, leaves the same
state; Gunicorn started with deploy/gunicorn.conf.py serves /healthz and the site; with nginx and
supervisor installed, the site runs behind the very files of deploy/ over HTTPS."""
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.support.manage_fork import manage_forked
from tests.support.ops_helpers import REPO_DIR, fresh_database_url, free_port, http_get, production_env, wait_for_http


def _state(env):
    """Every row of every model (dumpdata), the applied migrations and the collected static files."""
    data = manage_forked(env, "dumpdata", "--indent", "0").stdout
    rows = sorted(json.dumps(row, sort_keys=True) for row in json.loads(data))
    migrations = manage_forked(env, "showmigrations", "--plan").stdout
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
    # One worker: enough for these checks, and each one more costs a Django start-up.
    env = dict(released_site, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
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
        health = json.loads(body)
        assert {key: health[key] for key in ("status", "database", "migrations")} == {"status": "ok", "database": "ok", "migrations": "ok"}
        # No broker set: the folder queue of var/queue (a production site sets CELERY_BROKER_URL).
        assert health["queue"]["broker"] == "ok" and health["queue"]["waiting"] == 0

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


def _curl(*args):
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "30", *args],
                            capture_output=True, text=True, timeout=60)
    return result


def _group_members(pgid):
    """The live processes of process group `pgid` (zombies aside: nobody may reap an orphan here)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = (Path("/proc") / entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state != "Z":
            members.append(int(entry))
    return members


def _wait_healthy(url, *curl_args, attempts=160):
    for _ in range(attempts):
        if _curl(*curl_args, "--fail", "--output", "/dev/null", url).returncode == 0:
            return
        time.sleep(0.25)
    raise AssertionError(f"{url} never answered 200")


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("supervisord") and shutil.which("curl")),
                    reason="needs nginx, supervisor and curl (apt-get install nginx-core supervisor curl)")
def test_supervisor_and_nginx_from_deploy_serve_the_site_over_https(released_site, tmp_path):
    """The files of deploy/ as installed on the server (paths and ports moved to a temporary
    folder): Supervisor starts Gunicorn and restarts it after a crash, Nginx terminates TLS,
    serves static files and passes the proxy headers so that Django sees HTTPS."""
    env = dict(released_site)
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    logs = tmp_path / "log"
    logs.mkdir(exist_ok=True)

    program = (REPO_DIR / "deploy" / "supervisor" / "ocpizza.conf").read_text()
    program = program.replace("/srv/ocpizza/app", str(REPO_DIR)).replace("/var/log/ocpizza", str(logs))
    program = "\n".join(line for line in program.splitlines() if not line.startswith("user="))  # no such user here
    # Counted as started after 2 s alive instead of 5: the start, the restart after the kill and the
    # watchdog's restart each waited out the rest of the 5 s; what is checked is that it restarts.
    assert "startsecs=5" in program
    program = program.replace("startsecs=5", "startsecs=2")
    socket_path = tmp_path / "supervisor.sock"
    (tmp_path / "supervisord.conf").write_text(f"""
[supervisord]
nodaemon=true
logfile={tmp_path / 'supervisord.log'}
pidfile={tmp_path / 'supervisord.pid'}
[unix_http_server]
file={socket_path}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{socket_path}
{program}
""")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=www.ocpizza.fr",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (REPO_DIR / "deploy" / "nginx" / "ocpizza.conf").read_text()
    for old, new in [
        ("/etc/letsencrypt/live/ocpizza.fr/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/letsencrypt/live/ocpizza.fr/privkey.pem", str(tmp_path / "key.pem")),
        ("/var/log/nginx/", f"{logs}/"), ("/srv/ocpizza/static/", env["STATIC_ROOT"] + "/"),
        ("/srv/ocpizza/media/", env["MEDIA_ROOT"] + "/"), ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("listen 443", f"listen 127.0.0.1:{https_port}"), ("listen 80", f"listen 127.0.0.1:{http_port}"),
    ]:
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp_path / "site.conf").write_text(site)
    # pytest's folders are private to their owner: Nginx's workers run as that user here (on the
    # server they run as www-data and STATIC_ROOT is world-readable).
    worker_user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.getuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(f"""
{worker_user}
pid {tmp_path / 'nginx.pid'};
error_log {logs / 'nginx-main.log'};
events {{}}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path}; fastcgi_temp_path {tmp_path};
    uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};
    include {tmp_path / 'site.conf'};
}}
""")
    env["GUNICORN_BIND"] = f"127.0.0.1:{app_port}"
    # One worker is enough for what is checked here; each one more costs a Django start-up at
    # every (re)start.
    env["GUNICORN_WORKERS"] = "1"
    supervisord = subprocess.Popen(["supervisord", "-c", str(tmp_path / "supervisord.conf")], env=env, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    nginx = subprocess.Popen(["nginx", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ctl = ["supervisorctl", "-c", str(tmp_path / "supervisord.conf")]
    resolve = ["--resolve", f"www.ocpizza.fr:{https_port}:127.0.0.1", "--resolve", f"www.ocpizza.fr:{http_port}:127.0.0.1",
               "--insecure"]
    https = f"https://www.ocpizza.fr:{https_port}"
    try:
        _wait_healthy(f"http://127.0.0.1:{app_port}/healthz")
        for _ in range(120):  # STARTING until it has lived startsecs
            status = subprocess.run([*ctl, "status", "ocpizza"], capture_output=True, text=True).stdout
            if "STARTING" not in status:
                break
            time.sleep(0.25)
        assert "RUNNING" in status

        # Through Nginx over TLS: the site, with Django's HSTS (so Django saw X-Forwarded-Proto: https).
        result = _curl(*resolve, "--include", f"{https}/")
        assert result.stdout.startswith("HTTP/2 200"), result.stdout[:500] + result.stderr
        assert "strict-transport-security: max-age=31536000" in result.stdout.lower()
        assert "Choisissez votre pizzeria" in result.stdout
        assert '"status": "ok"' in _curl(*resolve, f"{https}/healthz").stdout

        # Static files come from Nginx itself (its one-year cache header).
        manifest = json.loads((REPO_DIR / env["STATIC_ROOT"] / "staticfiles.json").read_text())
        result = _curl(*resolve, "--include", "--output", "-", f"{https}/static/{manifest['paths']['admin/css/base.css']}")
        assert result.stdout.startswith("HTTP/2 200") and "immutable" in result.stdout

        # Plain HTTP goes to HTTPS; a foreign host name does not even get a TLS handshake.
        result = _curl(*resolve, "--include", f"http://www.ocpizza.fr:{http_port}/commande/")
        assert " 301 " in result.stdout.splitlines()[0] and "location: https://www.ocpizza.fr/commande/" in result.stdout.lower()
        assert _curl("--insecure", "--resolve", f"evil.example:{https_port}:127.0.0.1", f"https://evil.example:{https_port}/").returncode != 0

        # Gunicorn killed: Supervisor starts it again (autorestart).
        old_pid = int(subprocess.run([*ctl, "pid", "ocpizza"], capture_output=True, text=True).stdout.strip())
        assert len(_group_members(old_pid)) == 2, "the master and its worker: what the orphan check below watches"
        os.kill(old_pid, signal.SIGKILL)
        for _ in range(160):
            pid_text = subprocess.run([*ctl, "pid", "ocpizza"], capture_output=True, text=True).stdout.strip()
            if pid_text.isdigit() and int(pid_text) not in (0, old_pid):
                break
            time.sleep(0.25)
        assert int(pid_text) != old_pid
        # The killed master's orphaned workers (its process group) may take a request or two before
        # they notice and exit, and the new master binds the port once they are gone: until then
        # Nginx may answer 502, or an orphan answers. The site must come back by itself within a
        # minute, served by the new Gunicorn: a page counts only once no orphan is left. (Waiting
        # for it also spares the stop below a race: a TERM that reaches a worker still booting is
        # lost, and the worker then idles up to timeout/2 = 15 s before it exits.)
        deadline = time.monotonic() + 60
        while True:
            orphans = _group_members(old_pid)
            page = _curl(*resolve, f"{https}/").stdout
            if (not orphans and "Choisissez votre pizzeria" in page) or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert not orphans, f"the killed master's workers never exited: {orphans}"
        assert "Choisissez votre pizzeria" in page, page[:300]
        _wait_healthy(f"{https}/healthz", *resolve)

        # Gunicorn stopped (or hung): the cron watchdog deploy/healthcheck.sh starts it again.
        subprocess.run([*ctl, "stop", "ocpizza"], capture_output=True, check=True, timeout=120)
        assert _curl(f"http://127.0.0.1:{app_port}/healthz").returncode != 0
        watchdog = subprocess.run(
            [str(REPO_DIR / "deploy" / "healthcheck.sh")], capture_output=True, text=True, timeout=120,
            env={**env, "HEALTHZ_URL": f"http://127.0.0.1:{app_port}/healthz", "SUPERVISORCTL": " ".join(ctl)},
        )
        assert watchdog.returncode == 0, watchdog.stderr
        _wait_healthy(f"{https}/healthz", *resolve)
    finally:
        subprocess.run([*ctl, "shutdown"], capture_output=True, timeout=60)
        supervisord.wait(timeout=60)
        nginx.terminate()
        nginx.wait(timeout=30)
    # One at start, one after the kill, one after the watchdog's restart.
    assert (logs / "gunicorn.err.log").read_text().count("Booting worker") >= 3
