"""OC Pizza settings (DJANGO_SETTINGS_MODULE=ocpizza.settings), one module per subject.

Every value that differs between machines comes from the environment, or from
`ocpizza/ocpizza/.env` (a copy of `.env.example`, documented line by line).
Without a .env the app runs in development on an embedded SQLite database.

Each environment variable is read in exactly one module, the one named after what it sets.
Modules are loaded in this order; `operations` comes last because it starts Sentry.
"""
from ocpizza.settings.environment import *  # noqa: F401,F403
from ocpizza.settings.project import *  # noqa: F401,F403
from ocpizza.settings.database import *  # noqa: F401,F403
from ocpizza.settings.cache import *  # noqa: F401,F403
from ocpizza.settings.logins import *  # noqa: F401,F403
from ocpizza.settings.security import *  # noqa: F401,F403
from ocpizza.settings.mail import *  # noqa: F401,F403
from ocpizza.settings.payments import *  # noqa: F401,F403
from ocpizza.settings.search import *  # noqa: F401,F403
from ocpizza.settings.menu import *  # noqa: F401,F403
from ocpizza.settings.geocoding import *  # noqa: F401,F403
from ocpizza.settings.admin_theme import *  # noqa: F401,F403
from ocpizza.settings.books import *  # noqa: F401,F403
from ocpizza.settings.queue import *  # noqa: F401,F403
from ocpizza.settings.operations import *  # noqa: F401,F403
