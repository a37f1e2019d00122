"""The books (issue 18): closings of the service day and the signing key of the auditor's archives."""
from ocpizza.settings.environment import IS_PRODUCTION, env

# The Paris hour at which the day's books close (Celery beat, settings.queue): after the last
# service, so that no sale of the day is still being written.
BOOKS_CLOSING_HOUR = env.int("BOOKS_CLOSING_HOUR", default=5)
# The HMAC key that signs `manage.py export_journal`'s manifests (docs/exploitation.md). Keep it
# apart from the database's backups: whoever holds it can sign an archive.
BOOKS_ARCHIVE_KEY = env.str("BOOKS_ARCHIVE_KEY", default="" if IS_PRODUCTION else "dev-books-archive-key")
