"""Users and logins: the user model, authentication backends, password rules, and the
lockout of django-axes with the client address it counts by."""
from ocpizza.settings.environment import APP_ENV, IS_PRODUCTION, env

# --- Users and logins ---------------------------------------------------------
AUTH_USER_MODEL = "account.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first so that a locked account is refused before the password check.
    "axes.backends.AxesStandaloneBackend",
    # Permissions come from the roles a user holds in pizzerias (StaffMembership).
    "account.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "account.validators.DigitOrSymbolValidator"},
    # issue 19: "juliemartin1" (first + last name + 1) and eight spaces passed the ones above.
    {"NAME": "account.validators.FullNameSimilarityValidator"},
    {"NAME": "account.validators.NotOnlySpacesValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # F-AUTH-4: one hour
LOGIN_URL = "account:login"
# Each role lands on its own screen (issue 19): account:landing redirects by role.
LOGIN_REDIRECT_URL = "account:landing"
LOGOUT_REDIRECT_URL = "home:index"

# F-AUTH-3: three failed attempts lock the account for five minutes, whatever the address.
# Issue 13 L4: twenty failed attempts from one client address, across any accounts, suspend
# logins from that address for the same cool-off (password spraying: many accounts, one
# password each). One limit per parameter: account/lockout.py's failure_limit picks it.
AXES_ACCOUNT_FAILURE_LIMIT = 3
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "account.lockout.failure_limit"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=5 / 60)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
# Case-insensitive and length-capped, as logins are (account/lockout.py says why).
AXES_USERNAME_CALLABLE = "account.lockout.axes_username"
# A success clears that account's failures only (account/lockout.py: reset_account_on_login);
# axes' own reset would also clear the address counter.
AXES_RESET_ON_SUCCESS = False
# issue 19: a try during the lock (even with the right password) does not restart the cool-off,
# or anyone could keep a customer locked out by trying every few minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The French lock page, saying whether the account or the address is locked.
AXES_LOCKOUT_CALLABLE = "account.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The client address, with django-ipware. Behind Nginx, REMOTE_ADDR is Nginx itself (127.0.0.1)
# for everyone; Nginx appends the address it sees to X-Forwarded-For
# ($proxy_add_x_forwarded_for), after whatever the client put there. So the client is the entry
# PROXY_HOPS places from the right: the last one with Nginx alone (PROXY_HOPS=1), the one before
# it with a load balancer in front of Nginx (2). Entries to its left are the client's own claim
# and never used. PROXY_HOPS=0 (development, runserver): REMOTE_ADDR only, since nothing
# trusted writes the header. Gunicorn must only be reachable through the proxy (bind 127.0.0.1).
PROXY_HOPS = env.int("PROXY_HOPS", default=1 if IS_PRODUCTION else 0)
if PROXY_HOPS:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = PROXY_HOPS - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Not strict: a forged, malformed entry on the left must not make ipware drop the whole header
# (and fall back to REMOTE_ADDR, the proxy's address, shared by every client).
IPWARE_STRICT = False

if APP_ENV == "test":
    # Hashing is deliberately slow; the suite creates many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
