from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    name = "account"
    verbose_name = _("Comptes")

    def ready(self):
        # Signal wiring waits for ready(): account.lockout reads axes' models, which need the app
        # registry loaded.
        from django.contrib.auth.signals import user_logged_in

        from account.lockout import reset_account_on_login

        user_logged_in.connect(reset_account_on_login, dispatch_uid="account.reset_account_on_login")
