"""The ceiling of bench/pages_rps.py: a bare Django project, nothing of OC Pizza.

No app, no database, no template; Django's two everyday middlewares (security headers and
CommonMiddleware), as the issue's reference measurement had. Served by the same gunicorn
settings (deploy/gunicorn.conf.py, 2 sync workers) as the site, so that "page / ceiling" says
what the project costs on top of Django and gunicorn themselves, whatever the machine.
"""
SECRET_KEY = "bench-bare-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {}
USE_TZ = True
USE_I18N = False
