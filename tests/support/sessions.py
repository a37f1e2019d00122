"""A test client logged in as a person, through the project's authentication backend.

Django's `force_login` takes the first backend of AUTHENTICATION_BACKENDS unless told otherwise,
and that is django-axes' (it only refuses a locked account: it neither loads a session's user
nor grants a permission). The sessions the site makes name RoleBackend, which gives a user the
permissions of their roles, and the queue pages' 304 trusts only such a session
(account.session_user). Logging in through the form is the browser tests' job (test_ux_roles,
test_site_customer); elsewhere this keeps tests quick.
"""


def log_in(client, user):
    """`client` (a django.test.Client), now holding a session of `user`; returns it."""
    from account.session_user import BACKEND_PATH

    client.force_login(user, backend=BACKEND_PATH)
    return client
