"""Deploy checks of OC Pizza (issue 13, H1): `manage.py check --deploy` fails in production
when a secret is missing or still holds its public development value, when e-mail would not
leave the server, or when a development-only setting (localstripe, DEBUG, any host) is left on.

Registered with the `security` tag and deploy=True from ops/apps.py, so they run with
`check --deploy` (docs/exploitation.md) and never slow down development commands.
Every message is for the operator, in French, with a hint saying what to set.
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

from ocpizza import dev_defaults

# Backends that never deliver anything: mail "sent" through them is lost for the customer.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}

# (setting, development value, check id, what it is for)
SECRETS = [
    ("SECRET_KEY", dev_defaults.DEV_SECRET_KEY, "ocpizza.E001",
     "signe les sessions, les jetons CSRF et les liens de réinitialisation de mot de passe",
     'python -c "import secrets; print(secrets.token_urlsafe(50))"'),
    ("STRIPE_SECRET_KEY", dev_defaults.DEV_STRIPE_SECRET_KEY, "ocpizza.E002",
     "authentifie le serveur auprès de Stripe",
     "la clé secrète sk_live_... du tableau de bord Stripe (Développeurs > Clés API)"),
    ("STRIPE_WEBHOOK_SECRET", dev_defaults.DEV_STRIPE_WEBHOOK_SECRET, "ocpizza.E003",
     "prouve qu'un événement reçu sur /paiement/webhook/ vient de Stripe",
     "le secret de signature whsec_... de l'endpoint https://<hôte>/paiement/webhook/ (Stripe > Webhooks)"),
    ("STRIPE_PUBLISHABLE_KEY", dev_defaults.DEV_STRIPE_PUBLISHABLE_KEY, "ocpizza.E004",
     "permet au navigateur de saisir la carte avec Stripe.js",
     "la clé publiable pk_live_... du tableau de bord Stripe (Développeurs > Clés API)"),
]


def _is_production():
    return getattr(settings, "APP_ENV", "") == "production"


@register(Tags.security, deploy=True)
def check_production_secrets(app_configs=None, **kwargs):
    if not _is_production():
        return []
    errors = []
    for name, dev_value, check_id, purpose, where in SECRETS:
        value = str(getattr(settings, name, "") or "").strip()
        if not value:
            msg = f"{name} n'est pas défini en production : ce secret {purpose}."
        elif value == dev_value:
            msg = (f"{name} a la valeur de développement publique « {dev_value} » en production : "
                   f"n'importe qui peut la lire dans le dépôt, or ce secret {purpose}.")
        else:
            continue
        errors.append(Error(msg, hint=f"Renseignez {name} dans ocpizza/ocpizza/.env : {where}.", id=check_id))
    return errors


@register(Tags.security, deploy=True)
def check_production_email(app_configs=None, **kwargs):
    """E-mail carries receipts, order statuses and password resets: in production it must leave
    the server. "Missing" means a backend that delivers nothing, or the SMTP backend without an
    EMAIL_HOST set (production has no default server; "localhost" is fine when set on purpose,
    for a local relay)."""
    if not _is_production():
        return []
    backend = settings.EMAIL_BACKEND
    if backend in NON_DELIVERING_EMAIL_BACKENDS:
        return [Error(
            f"EMAIL_BACKEND vaut « {backend} » en production : aucun e-mail (reçus, suivi des commandes, "
            "réinitialisation de mot de passe) ne part vers les clients.",
            hint="Laissez EMAIL_BACKEND vide (SMTP) et renseignez EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, "
                 "EMAIL_HOST_PASSWORD et EMAIL_USE_TLS dans ocpizza/ocpizza/.env.",
            id="ocpizza.E005",
        )]
    if backend == "django.core.mail.backends.smtp.EmailBackend" and not str(settings.EMAIL_HOST or "").strip():
        return [Error(
            "EMAIL_HOST n'est pas défini en production : le serveur ne sait pas à quel serveur SMTP "
            "remettre les reçus et les e-mails de réinitialisation de mot de passe.",
            hint="Renseignez EMAIL_HOST (et EMAIL_PORT, EMAIL_USE_TLS, identifiants) dans ocpizza/ocpizza/.env ; "
                 "EMAIL_HOST=localhost seulement si un relais (Postfix...) tourne sur ce serveur.",
            id="ocpizza.E006",
        )]
    return []


@register(Tags.security, deploy=True)
def check_production_development_switches(app_configs=None, **kwargs):
    """Development conveniences that are holes in production."""
    if not _is_production():
        return []
    errors = []
    if settings.STRIPE_API_BASE:
        errors.append(Error(
            f"STRIPE_API_BASE vaut « {settings.STRIPE_API_BASE} » en production : les paiements et Stripe.js "
            "partiraient vers ce serveur (localstripe) au lieu de Stripe.",
            hint="Laissez STRIPE_API_BASE (et STRIPE_JS_URL) vides en production.",
            id="ocpizza.E007",
        ))
    if settings.DEBUG:
        errors.append(Error(
            "DEBUG est activé en production : les pages d'erreur montrent le code, les réglages et les données "
            "de la requête à n'importe quel visiteur, et la clé de développement sert de SECRET_KEY.",
            hint="DEBUG=False dans ocpizza/ocpizza/.env.",
            id="ocpizza.E008",
        ))
    local = {"localhost", "127.0.0.1", "[::1]"}
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts or any(host.startswith(".") and host.count(".") < 2 for host in hosts):
        errors.append(Error(
            "ALLOWED_HOSTS accepte n'importe quel nom d'hôte en production : un en-tête Host forgé se retrouverait "
            "dans les liens envoyés par e-mail (réinitialisation de mot de passe).",
            hint="ADDS_ALLOWED_HOSTS=www.ocpizza.fr,ocpizza.fr (les noms exacts du site).",
            id="ocpizza.E009",
        ))
    elif not hosts - local:
        errors.append(Error(
            "ALLOWED_HOSTS ne contient aucun nom public en production : toutes les requêtes venant de Nginx "
            "seraient refusées (400).",
            hint="ADDS_ALLOWED_HOSTS=www.ocpizza.fr,ocpizza.fr dans ocpizza/ocpizza/.env.",
            id="ocpizza.E009",
        ))
    dsn = getattr(settings, "SENTRY_DSN", "")
    if dsn and urlsplit(dsn).scheme != "https":
        errors.append(Error(
            "SENTRY_DSN n'utilise pas https en production : les rapports d'erreur (traces, requêtes) "
            "circuleraient en clair.",
            hint="Utilisez le DSN https://... donné par Sentry (Paramètres du projet > Client Keys).",
            id="ocpizza.E010",
        ))
    return errors


# Caches that each gunicorn worker keeps to itself: a status poll answered by another worker
# would not see the change an order service announced (order.freshness), nor a session saved there.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def check_production_cache(app_configs=None, **kwargs):
    if not _is_production():
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [Error(
        "Aucun cache partagé en production (CACHE_URL vide) : chaque worker Gunicorn garderait ses "
        "sessions et ses versions de commandes pour lui, et le suivi d'une commande pourrait rester figé.",
        hint="Installez Redis (apt install redis-server) et renseignez CACHE_URL=redis://127.0.0.1:6379/0 "
             "dans ocpizza/ocpizza/.env.",
        id="ocpizza.E011",
    )]
