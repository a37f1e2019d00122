from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    name = "account"
    verbose_name = _("Comptes")

    def ready(self):
        # Signal wiring waits for ready(): account.lockout reads axes' models, which need the app
        # registry loaded.
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from account import session_user
        from account.lockout import reset_account_on_login
        from account.models import User

        user_logged_in.connect(reset_account_on_login, dispatch_uid="account.reset_account_on_login")
        # The polled pages' 304 keeps each user's session hash in the cache (account.session_user):
        # a saved or deleted user (password, is_active) is asked again on the next poll.
        post_save.connect(session_user.user_changed, sender=User, dispatch_uid="account.login_saved")
        post_delete.connect(session_user.user_changed, sender=User, dispatch_uid="account.login_deleted")
