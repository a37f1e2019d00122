"""Customer account pages: register, profile and saved addresses (F-AUTH-1, F-ORD-3); screens of
the public site, so they live in home (the rules are account.services' and, for addresses,
pizzeria.delivery's).

Login, logout and password reset are Django's views (home/account_urls.py); django-axes guards the login."""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from account import services
from account.forms import AddressForm, ProfileForm, RegistrationForm
from ocpizza.business import add_to_form
from pizzeria import delivery


def _safe_next(request, default="home:index"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def register(request):
    if request.user.is_authenticated:
        return redirect("home:index")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.set_password(form.cleaned_data["password1"])
        user.full_clean()
        user.save()
        login(request, user, backend="account.backends.RoleBackend")
        messages.success(request, _("Bienvenue ! Votre compte est créé et vous êtes connecté."))
        return redirect(_safe_next(request))
    return render(request, "account/register.html", {"form": form, "next": request.GET.get("next", "")})


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
