from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.safestring import mark_safe
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _
from unfold.forms import UserChangeForm as UnfoldUserChangeForm
from unfold.widgets import UnfoldAdminPasswordWidget

from account.models import Address, User
from account.services import queue_password_link


class StaffCreationForm(forms.ModelForm):
    """F-AUTH-2: head office creates an account with an e-mail; the password is optional.

    Without one, the new user receives a link to set it (account.services.send_set_password_email).
    """

    password1 = forms.CharField(
        label=_("Mot de passe"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Laisser vide : l'utilisateur reçoit un e-mail pour choisir son mot de passe."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "phone", "is_staff"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An account created in the admin is an employee's (customers register on the site):
        # staff by default, and a role given on this page ticks it anyway (issue 19).
        self.fields["is_staff"].initial = True
        self.fields["is_staff"].help_text = _(
            "Permet de se connecter à la gestion. Coché d'office dès qu'un rôle en pizzeria est donné."
        )
        # unfold's look: Django's bare PasswordInput was unstyled, white on white (issue 19).
        for name in ("password1", "password2"):
            self.fields[name].widget = UnfoldAdminPasswordWidget(attrs={"autocomplete": "new-password"})

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec cette adresse e-mail."))
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 or password2:
            if password1 != password2:
                self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
            else:
                try:
                    password_validation.validate_password(password1, self.instance)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        else:
            user.set_unusable_password()
        if commit:
            user.save()
        return user


class StaffChangeForm(UnfoldUserChangeForm):
    class Meta(UnfoldUserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            # unfold rewrites Django's help text in English (issue 19).
            password.help_text = _(
                "Les mots de passe ne sont pas enregistrés en clair : personne ne peut voir celui de ce compte, "
                'mais vous pouvez le changer avec <a href="{}" class="text-primary-600 dark:text-primary-500">ce formulaire</a>.'
            ).format("../password/")
            password.help_text = mark_safe(password.help_text)


class RegistrationForm(forms.ModelForm):
    """F-AUTH-1: e-mail (unique), password and its confirmation, checked by AUTH_PASSWORD_VALIDATORS."""

    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, dont un chiffre ou un symbole ; ni votre nom, ni un mot de passe courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "phone"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def clean_email(self):
        # Never "this e-mail has an account" (issue 19): account.services.register_customer
        # answers the same way and writes to the existing account instead.
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        # A known e-mail is not an error to show (see clean_email).
        pass

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif password1:
            candidate = User(
                email=cleaned.get("email") or "", first_name=cleaned.get("first_name") or "", last_name=cleaned.get("last_name") or ""
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})}


class AddressForm(forms.ModelForm):
    """A delivery address; its postcode must be one we can place (account.services.save_address geocodes it)."""

    make_default = forms.BooleanField(label=_("Adresse par défaut"), required=False)

    class Meta:
        model = Address
        fields = ["label", "line", "postcode", "city"]
        widgets = {
            "line": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric", "pattern": "[0-9]{5}"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }


class LoginForm(AuthenticationForm):
    """Django's login form with a French message that reads well for an e-mail login."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Attention : après 3 échecs, le compte est verrouillé 5 minutes."
        ),
    }


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's "forgotten password" form, its e-mail sent by a background job after the commit
    (account.tasks) instead of inside the request: a slow or down mail server neither delays the
    page nor loses the e-mail. Same answer whether the address has an account or not."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        queue_password_link(user=context["user"], kind="reset", domain=context["domain"], protocol=context["protocol"])


class AccountDeletionForm(forms.Form):
    """The customer confirms the erasure of the account with the password (issue 18)."""

    password = forms.CharField(
        label=_("Votre mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect : le compte n'a pas été supprimé."))
        return password
