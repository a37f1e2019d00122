"""Production settings (O-2, O-4): `check --deploy` is clean, a missing SECRET_KEY stops the app,
logs go to files under LOG_DIR."""
from tests.ops_helpers import manage, production_env


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "security.W" not in output


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    del env["SECRET_KEY"]
    result = manage(env, "check", check=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_writes_logs_to_files_under_log_dir(tmp_path):
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    manage(env, "shell", "-c", "import logging; logging.getLogger('ocpizza.ops').error('journal de production')")
    assert "journal de production" in (tmp_path / "log" / "ocpizza.log").read_text()
    assert "journal de production" in (tmp_path / "log" / "ocpizza-errors.log").read_text()


def test_production_settings_read_the_operations_variables(tmp_path):
    env = production_env(
        tmp_path, database_url="mysql://ocpizza:secret@db.internal:3306/ocpizza", DB_SSLMODE="on", HSTS_SECONDS=600
    )
    result = manage(
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

    from tests.ops_helpers import REPO_DIR

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
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
