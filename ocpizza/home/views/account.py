"""Customer account pages: register, profile and saved addresses (F-AUTH-1, F-ORD-3); screens of
the public site, so they live in home (the rules are account.services' and, for addresses,
pizzeria.delivery's).

Login, logout and password reset are Django's views (home/account_urls.py); django-axes guards the login."""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from account import services
from account.lockout import reset_account_lock
from account.forms import AddressForm, ProfileForm, RegistrationForm
from ocpizza.business import add_to_form
from pizzeria import delivery


def _safe_next(request, default="home:index"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def register(request):
    """F-AUTH-1. The answer is the same page whether the e-mail already has an account or not
    (account.services.register_customer): the link that logs in comes by e-mail."""
    if request.user.is_authenticated:
        return redirect("home:index")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        next_url = _safe_next(request, default="")
        try:
            services.register_customer(
                email=data["email"], password=data["password1"], first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "", phone=data.get("phone") or "", request=request, next_url=next_url,
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return render(request, "account/register_done.html", {"email": data["email"]})
    return render(request, "account/register.html", {"form": form, "next": request.GET.get("next", "")})


def activate(request, uidb64, token):
    """The link of the activation e-mail: turns the account on and logs in."""
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    from account.models import User

    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not services.activate_customer(user=user, token=token):
        return render(request, "account/activation_invalid.html", status=400)
    login(request, user, backend="account.backends.RoleBackend")
    messages.success(request, _("Bienvenue ! Votre compte est activé et vous êtes connecté."))
    return redirect(_safe_next(request))


def landing(request):
    """Where a login leads when no page was asked for (issue 19): each role to its own screen."""
    return redirect(landing_url(request.user))


def landing_url(user):
    from account.roles import Role, is_head_office, pizzerias_of

    if not user.is_authenticated:
        return reverse("home:index")
    if is_head_office(user) or pizzerias_of(user, Role.MANAGER):
        return reverse("admin:index")
    if pizzerias_of(user, Role.PIZZAIOLO):
        return reverse("admin:order_kitchen")
    if pizzerias_of(user, Role.DRIVER):
        return reverse("admin:order_drivers")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("home:index")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a completed reset also lifts the account's lock (issue 19): the lock page
    sends a locked-out customer here."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_account_lock(user=form.user)
        return response


@login_required
def profile(request):
    profile_form = ProfileForm(instance=request.user, prefix="profile")
    address_form = AddressForm(prefix="address")
    if request.method == "POST" and "profile-submit" in request.POST:
        profile_form = ProfileForm(request.POST, instance=request.user, prefix="profile")
        if profile_form.is_valid():
            profile_form.save()
            messages.success(request, _("Vos informations sont enregistrées."))
            return redirect("account:profile")
    elif request.method == "POST" and "address-submit" in request.POST:
        address_form = AddressForm(request.POST, prefix="address")
        if address_form.is_valid():
            data = address_form.cleaned_data
            try:
                place = delivery.place_address(line=data["line"], postcode=data["postcode"], city=data["city"])
                delivery.keep_address(
                    user=request.user, place=place, label=data["label"], make_default=data["make_default"]
                )
            except ValidationError as error:
                add_to_form(address_form, error)
            else:
                messages.success(request, _("Adresse enregistrée."))
                return redirect("account:profile")
    return render(
        request,
        "account/profile.html",
        {"profile_form": profile_form, "address_form": address_form, "addresses": request.user.addresses.all()},
    )


@login_required
@require_POST
def address_default(request, pk):
    address = get_object_or_404(request.user.addresses, pk=pk)
    services.set_default_address(address=address)
    messages.success(request, _("« %(address)s » est maintenant votre adresse par défaut.") % {"address": address})
    return redirect("account:profile")


@login_required
@require_POST
def address_delete(request, pk):
    address = get_object_or_404(request.user.addresses, pk=pk)
    services.delete_address(address=address)
    messages.success(request, _("Adresse supprimée."))
    return redirect("account:profile")
