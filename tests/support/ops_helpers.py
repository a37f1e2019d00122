"""Helpers of the operations tests: run manage.py, release-tasks.sh and Gunicorn in subprocesses
with production settings, as on the server."""
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
MANAGE = REPO_DIR / "ocpizza" / "manage.py"


def production_env(workdir: Path, *, database_url: str, **extra) -> dict:
    """The environment of a production server, with its files under `workdir`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY_", "PYTEST"))}
    env.update(
        APP_ENV="production",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ADDS_ALLOWED_HOSTS="www.ocpizza.fr,ocpizza.fr",
        DATABASE_URL=database_url,
        # The local MariaDB has no TLS; production keeps DB_SSLMODE on.
        DB_SSLMODE="off",
        LOG_DIR=str(workdir / "log"),
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        BACKUP_DIR=str(workdir / "backups"),
        PYTHON=sys.executable,
        PYTHONDONTWRITEBYTECODE="1",
        # Set empty on purpose: a developer's ocpizza/ocpizza/.env must not send these tests'
        # records to the real Algolia, Sentry or SMTP server (the file never overrides a variable).
        ALGOLIA_APP_ID="",
        ALGOLIA_API_KEY="",
        SENTRY_DSN="",
        # A production server sends mail over SMTP; ".invalid" never resolves (RFC 2606), so
        # nothing these tests might send leaves the machine.
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.invalid",
        GEOCODER="offline",
        # Production-like secrets: the development defaults are refused by `check --deploy`.
        STRIPE_SECRET_KEY="sk_test_" + secrets.token_hex(12),
        STRIPE_PUBLISHABLE_KEY="pk_test_" + secrets.token_hex(12),
        STRIPE_WEBHOOK_SECRET="whsec_" + secrets.token_hex(16),
        STRIPE_API_BASE="",
        STRIPE_JS_URL="",
        # Production needs a shared cache (ocpizza.E011); its own key prefix, so that nothing of
        # another test or site sharing the local Redis is read.
        CACHE_URL="redis://127.0.0.1:6379/1",
        CACHE_KEY_PREFIX="test-" + secrets.token_hex(6),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database_url(settings_dict, workdir: Path, suffix: str) -> tuple[str, callable]:
    """A new, empty database of the suite's engine; returns its URL and a function dropping it."""
    if settings_dict["ENGINE"] == "django.db.backends.mysql":
        import pymysql

        name = f"{settings_dict['NAME']}_{suffix}"[:64]
        params = {"host": settings_dict.get("HOST") or "127.0.0.1", "port": int(settings_dict.get("PORT") or 3306),
                  "user": settings_dict.get("USER") or "root", "password": settings_dict.get("PASSWORD") or ""}

        def run(sql):
            connection = pymysql.connect(**params)
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql)
            finally:
                connection.close()

        run(f"DROP DATABASE IF EXISTS `{name}`")
        run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        auth = params["user"] + (f":{params['password']}" if params["password"] else "")
        return f"mysql://{auth}@{params['host']}:{params['port']}/{name}", lambda: run(f"DROP DATABASE IF EXISTS `{name}`")
    return f"sqlite:///{workdir / 'fresh.sqlite3'}", lambda: None


def wait_for_http(url: str, *, headers=None, process=None, attempts=120):
    """Poll `url` until it answers (a readiness wait, not a timing assertion)."""
    for _ in range(attempts):
        if process is not None and process.poll() is not None:
            raise AssertionError(f"Gunicorn exited with {process.returncode}")
        try:
            return http_get(url, headers=headers)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.25)
    raise AssertionError(f"{url} never answered")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_get(url: str, *, headers=None):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", errors="replace")


def nginx_site(workdir: Path, env: dict, *, upstreams: list[str]):
    """Nginx running deploy/nginx/ocpizza.conf, moved to `workdir` and loopback ports, its upstream
    holding `upstreams` (host:port of each Gunicorn). Returns (process, HTTPS port)."""
    import pwd

    logs = workdir / "log"
    logs.mkdir(exist_ok=True)
    http_port, https_port = free_port(), free_port()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=www.ocpizza.fr",
                    "-keyout", str(workdir / "key.pem"), "-out", str(workdir / "cert.pem")], check=True, capture_output=True)
    site = (REPO_DIR / "deploy" / "nginx" / "ocpizza.conf").read_text()
    upstream_line = next(line for line in site.splitlines() if line.strip().startswith("server 127.0.0.1:8000"))
    site = site.replace(upstream_line, "\n".join(upstream_line.replace("127.0.0.1:8000", hostport) for hostport in upstreams))
    for old, new in [
        ("/etc/letsencrypt/live/ocpizza.fr/fullchain.pem", str(workdir / "cert.pem")),
        ("/etc/letsencrypt/live/ocpizza.fr/privkey.pem", str(workdir / "key.pem")),
        ("/var/log/nginx/", f"{logs}/"), ("/srv/ocpizza/static/", env["STATIC_ROOT"] + "/"),
        ("/srv/ocpizza/media/", env["MEDIA_ROOT"] + "/"),
        ("listen 443", f"listen 127.0.0.1:{https_port}"), ("listen 80", f"listen 127.0.0.1:{http_port}"),
    ]:
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (workdir / "site.conf").write_text(site)
    worker_user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.getuid() == 0 else ""
    (workdir / "nginx.conf").write_text(f"""
{worker_user}
pid {workdir / 'nginx.pid'};
error_log {logs / 'nginx-main.log'};
events {{}}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {workdir}; proxy_temp_path {workdir}; fastcgi_temp_path {workdir};
    uwsgi_temp_path {workdir}; scgi_temp_path {workdir};
    include {workdir / 'site.conf'};
}}
""")
    process = subprocess.Popen(["nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", https_port)) == 0:
                return process, https_port
        if process.poll() is not None:
            raise AssertionError("nginx exited: " + (logs / "nginx-main.log").read_text()[-2000:])
        time.sleep(0.1)
    raise AssertionError("nginx never listened")
