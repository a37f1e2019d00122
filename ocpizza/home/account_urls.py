from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from account.forms import LoginForm, PasswordResetForm
from home.views import account as views
from home.views import my_data

# The "account" namespace (account:login, account:profile...): the pages are the public site's,
# the names stay those of the accounts they serve.
app_name = "account"

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(template_name="account/login.html", authentication_form=LoginForm), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.register, name="register"),
    path("activer/<uidb64>/<token>/", views.activate, name="activate"),
    path("accueil/", views.landing, name="landing"),
    path("profil/", views.profile, name="profile"),
    path("mes-donnees/", my_data.data_export, name="data_export"),
    path("supprimer/", my_data.delete_account, name="delete"),
    path("adresses/<int:pk>/defaut/", views.address_default, name="address_default"),
    path("adresses/<int:pk>/supprimer/", views.address_delete, name="address_delete"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="account/password_reset.html",
            form_class=PasswordResetForm,  # the e-mail goes through the job queue
            email_template_name="account/emails/password_reset.txt",
            subject_template_name="account/emails/password_reset_subject.txt",
            success_url=reverse_lazy("account:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="account/password_reset_confirm.html",
            success_url=reverse_lazy("account:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="account/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
