"""Production settings (O-2, O-4): `check --deploy` is clean, a missing SECRET_KEY stops the app,
logs go to files under LOG_DIR; a missing or development-valued secret, e-mail that would not
leave the server, or a development switch left on fails `check --deploy` (issue 13, H1).

Each command runs in a fresh process that reads its settings from the environment it is given,
forked from a server that imported the third-party packages once (tests/support/manage_fork.py)."""
import pytest

from ocpizza.dev_defaults import (
    DEV_SECRET_KEY,
    DEV_STRIPE_PUBLISHABLE_KEY,
    DEV_STRIPE_SECRET_KEY,
    DEV_STRIPE_WEBHOOK_SECRET,
)
from tests.support.manage_fork import manage_forked
from tests.support.ops_helpers import production_env


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage_forked(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "security.W" not in output


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    del env["SECRET_KEY"]
    result = manage_forked(env, "check", check=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_writes_logs_to_files_under_log_dir(tmp_path):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    manage_forked(env, "shell", "-c", "import logging; logging.getLogger('ocpizza.ops').error('journal de production')")
    assert "journal de production" in (tmp_path / "log" / "ocpizza.log").read_text()
    assert "journal de production" in (tmp_path / "log" / "ocpizza-errors.log").read_text()


def test_production_settings_read_the_operations_variables(tmp_path):
    env = production_env(
        tmp_path, database_url="mysql://ocpizza:secret@db.internal:3306/ocpizza", DB_SSLMODE="on", HSTS_SECONDS=600
    )
    result = manage_forked(
        env, "shell", "-c",
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_PROXY_SSL_HEADER, sorted(s.CSRF_TRUSTED_ORIGINS), 'ssl' in d['OPTIONS'], s.DEBUG)",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "600 True True True ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://ocpizza.fr', 'https://www.ocpizza.fr'] True False"
    )


def test_env_example_filled_in_gives_a_clean_production_check(tmp_path):
    """The documented .env.example, with its secrets and paths filled in, is a valid production setup."""

    from tests.support.ops_helpers import REPO_DIR

    example = {}
    for line in (REPO_DIR / "ocpizza" / "ocpizza" / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            example[key.strip()] = value.strip()
    assert {"APP_ENV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DB_SSLMODE", "ADDS_ALLOWED_HOSTS", "ALGOLIA_APP_ID",
            "ALGOLIA_API_KEY", "SENTRY_DSN", "HSTS_SECONDS", "BACKUP_DIR", "LOG_DIR"} <= example.keys()
    env = production_env(tmp_path, database_url="")
    env.update(example)
    env.update(SECRET_KEY="x" * 60 + "-filled-in-by-the-operator", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               LOG_DIR=str(tmp_path / "log"), STATIC_ROOT=str(tmp_path / "static"), MEDIA_ROOT=str(tmp_path / "media"),
               BACKUP_DIR=str(tmp_path / "backups"))
    # Copied as it is, the example leaves the Stripe secrets and the SMTP server to fill in: refused.
    result = manage_forked(env, "check", "--deploy", check=False)
    assert result.returncode != 0
    for check_id in ("ocpizza.E002", "ocpizza.E003", "ocpizza.E004", "ocpizza.E006"):
        assert check_id in result.stderr, result.stderr
    env.update(STRIPE_SECRET_KEY="sk_live_" + "a" * 24, STRIPE_PUBLISHABLE_KEY="pk_live_" + "b" * 24,
               STRIPE_WEBHOOK_SECRET="whsec_" + "c" * 32, EMAIL_HOST="smtp.ocpizza.fr")
    result = manage_forked(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _deploy_check(tmp_path, **variables):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", **variables)
    result = manage_forked(env, "check", "--deploy", check=False)
    return result.returncode, result.stdout + result.stderr


SECRETS = [
    ("STRIPE_SECRET_KEY", DEV_STRIPE_SECRET_KEY, "ocpizza.E002"),
    ("STRIPE_WEBHOOK_SECRET", DEV_STRIPE_WEBHOOK_SECRET, "ocpizza.E003"),
    ("STRIPE_PUBLISHABLE_KEY", DEV_STRIPE_PUBLISHABLE_KEY, "ocpizza.E004"),
]


@pytest.mark.parametrize("name, dev_value, check_id", SECRETS, ids=[name for name, *_ in SECRETS])
def test_deploy_check_fails_on_a_missing_stripe_secret(tmp_path, name, dev_value, check_id):
    returncode, output = _deploy_check(tmp_path, **{name: ""})
    assert returncode != 0, output
    assert f"({check_id}) {name} n'est pas défini en production" in output
    assert f"HINT: Renseignez {name} dans ocpizza/ocpizza/.env" in output


@pytest.mark.parametrize(
    "name, dev_value, check_id",
    SECRETS + [("SECRET_KEY", DEV_SECRET_KEY, "ocpizza.E001")],
    ids=[name for name, *_ in SECRETS] + ["SECRET_KEY"],
)
def test_deploy_check_fails_on_a_development_secret(tmp_path, name, dev_value, check_id):
    returncode, output = _deploy_check(tmp_path, **{name: dev_value})
    assert returncode != 0, output
    assert f"({check_id}) {name} a la valeur de développement publique « {dev_value} » en production" in output
    # Only that one: the other secrets are set.
    assert output.count("(ocpizza.E") == 1, output


@pytest.mark.parametrize("backend", ["console", "locmem", "dummy", "filebased"])
def test_deploy_check_fails_when_email_would_not_leave_the_server(tmp_path, backend):
    returncode, output = _deploy_check(tmp_path, EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend",
                                       EMAIL_FILE_PATH=str(tmp_path / "mail"))
    assert returncode != 0, output
    assert f"(ocpizza.E005) EMAIL_BACKEND vaut « django.core.mail.backends.{backend}.EmailBackend » en production" in output


def test_deploy_check_fails_without_an_smtp_server_and_accepts_a_local_relay(tmp_path):
    returncode, output = _deploy_check(tmp_path, EMAIL_HOST="")
    assert returncode != 0, output
    assert "(ocpizza.E006) EMAIL_HOST n'est pas défini en production" in output
    # A relay on the server itself (Postfix) is a deliberate choice, not a forgotten default.
    returncode, output = _deploy_check(tmp_path, EMAIL_HOST="localhost")
    assert returncode == 0, output


@pytest.mark.parametrize(
    "variables, expected",
    [
        ({"STRIPE_API_BASE": "http://localhost:8420"}, "(ocpizza.E007) STRIPE_API_BASE vaut « http://localhost:8420 »"),
        ({"DEBUG": "True"}, "(ocpizza.E008) DEBUG est activé en production"),
        ({"ADDS_ALLOWED_HOSTS": "*"}, "(ocpizza.E009) ALLOWED_HOSTS accepte n'importe quel nom d'hôte"),
        ({"ADDS_ALLOWED_HOSTS": ""}, "(ocpizza.E009) ALLOWED_HOSTS ne contient aucun nom public"),
        ({"SENTRY_DSN": "http://key@sentry.ocpizza.fr/1"}, "(ocpizza.E010) SENTRY_DSN n'utilise pas https"),
    ],
    ids=["localstripe", "debug", "any-host", "no-host", "sentry-http"],
)
def test_deploy_check_fails_on_development_switches_left_on(tmp_path, variables, expected):
    returncode, output = _deploy_check(tmp_path, **variables)
    assert returncode != 0, output
    assert expected in output
