"""Where the settings' values come from: the environment, or `ocpizza/ocpizza/.env` (a copy of
`.env.example`, documented line by line). Which environment this is (APP_ENV) and the project's
folders are decided here once; every other settings module reads its own variables through `env`.
"""
from pathlib import Path

import environ

_PROJECT_PACKAGE = Path(__file__).resolve().parent.parent  # ocpizza/ocpizza
BASE_DIR = _PROJECT_PACKAGE.parent  # the folder of manage.py
REPO_DIR = BASE_DIR.parent

env = environ.Env()
ENV_FILE = _PROJECT_PACKAGE / ".env"
if ENV_FILE.exists():
    environ.Env.read_env(ENV_FILE)

APP_ENV = env.str("APP_ENV", default="development")  # development | test | production
IS_PRODUCTION = APP_ENV == "production"
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
