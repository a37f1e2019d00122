"""Helpers of the job-queue tests: a real Celery worker (and beat) in a subprocess on the
machine's Redis, on a queue and key prefix of its own, against the test database."""
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def database_url(settings_dict) -> str:
    """The URL of the database the test runs on (the test database), for a subprocess."""
    auth = settings_dict.get("USER") or "root"
    if settings_dict.get("PASSWORD"):
        auth += f":{settings_dict['PASSWORD']}"
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 3306
    return f"mysql://{auth}@{host}:{port}/{settings_dict['NAME']}"


def queue_env(base: dict, *, smtp_port: int, **extra) -> dict:
    """Settings of a worker (and of the processes that enqueue) on a queue of their own."""
    token = secrets.token_hex(4)
    env = dict(base)
    env.update(
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_KEY_PREFIX=f"ocpizza-test-{token}:",
        CELERY_QUEUE=f"jobs-{token}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="5",
        # Short delays so that a test sees several attempts, a lease run out and a message
        # given back by Redis within seconds (production: 10 s to 10 min, 150 s, 1 h).
        JOBS_RETRY_BACKOFF="1",
        JOBS_RETRY_BACKOFF_MAX="2",
        JOBS_LEASE_SECONDS="4",
        JOBS_SWEEP_SECONDS="1",
        JOBS_MAX_ATTEMPTS="1000",  # the mail server may stay down longer than 12 short backoffs
        JOBS_RESEND_AFTER="3",
        CELERY_VISIBILITY_TIMEOUT="6",
        CELERY_RESTORE_INTERVAL="1",
        PYTHONDONTWRITEBYTECODE="1",
        # This checkout's apps first (the shared virtualenv's .pth may name another checkout).
        PYTHONPATH=str(REPO_DIR / "ocpizza"),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def start_worker(env: dict, log_path: Path, *, beat=True, concurrency=1) -> subprocess.Popen:
    """`celery worker` as deploy/supervisor/ocpizza-worker.conf starts it, with beat inside."""
    command = [str(CELERY), "--workdir=ocpizza", "-A", "ocpizza", "worker", "--loglevel=INFO",
               f"--concurrency={concurrency}", "-Q", env["CELERY_QUEUE"], "-n", f"{env['CELERY_QUEUE']}-{secrets.token_hex(2)}@%h",
               "--without-mingle", "--without-gossip", "--without-heartbeat"]
    if beat:
        command += ["--beat", f"--schedule={log_path.parent / ('beat-' + secrets.token_hex(3))}"]
    log = open(log_path, "a")
    return subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def kill(process: subprocess.Popen, sig=signal.SIGKILL):
    """The whole process group (worker, its pool children, embedded beat)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)


def run_django(env: dict, code: str, *, timeout=120) -> str:
    """Python code in a fresh Django process (an app server's view of the world: its settings
    from `env`), run by `manage.py shell -c` forked from the fork server that imported the
    third-party packages once (tests.support.manage_fork); its stdout."""
    from tests.support.manage_fork import manage_forked

    # --no-imports: without it Django 5.2 prints the models it imported for the shell on stdout.
    result = manage_forked(env, "shell", "--no-imports", "-c", code, check=False, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def queue_drained(env: dict) -> bool:
    """Nothing waiting in the queue and nothing delivered but unacknowledged (every message
    handed to a worker, the killed one's included once Redis gave it back, was acknowledged)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    prefix = env["CELERY_KEY_PREFIX"]
    return client.llen(prefix + env["CELERY_QUEUE"]) == 0 and client.hlen(prefix + "unacked") == 0


def forget_queue(env: dict):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=env["CELERY_KEY_PREFIX"] + "*", count=500))
    if keys:
        client.delete(*keys)


def wait_until(predicate, *, what: str, timeout: float = 90, interval: float = 0.2):
    """A readiness wait (never a timing assertion): generous, fails only if it never happens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"never happened: {what}")
