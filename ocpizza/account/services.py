"""Writes on accounts and roles."""
import uuid

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from account.models import Address
from account.roles import HEAD_OFFICE_APPS, HEAD_OFFICE_GROUP, ROLE_GROUPS, ROLE_PERMISSIONS
from jobs.services import enqueue


@transaction.atomic
def setup_role_groups():
    """Create or refresh the head office and role groups with their permissions. Idempotent."""
    # Every permission of the apps the table names, read once (one query, not one per model:
    # the release, the demo and each test that builds the roles run this).
    apps = {label.split(".")[0] for permissions in ROLE_PERMISSIONS.values() for label in permissions}
    known = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(content_type__app_label__in=apps | set(HEAD_OFFICE_APPS))
        .select_related("content_type")
    }
    head_office, _created = Group.objects.get_or_create(name=HEAD_OFFICE_GROUP)
    head_office.permissions.set([p for (app_label, _codename), p in known.items() if app_label in HEAD_OFFICE_APPS])
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = []
        for model_label, actions in ROLE_PERMISSIONS[role].items():
            app_label, model = model_label.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            missing = [codename for codename in codenames if (app_label, codename) not in known]
            if missing:
                raise LookupError(f"Unknown permissions for {model_label}: {sorted(missing)}")
            wanted.extend(known[app_label, codename] for codename in codenames)
        group.permissions.set(wanted)
    return Group.objects.filter(name__in=[HEAD_OFFICE_GROUP, *ROLE_GROUPS.values()])


@transaction.atomic
def set_default_address(*, address):
    """Make `address` its owner's only default address."""
    address.user.addresses.exclude(pk=address.pk).filter(is_default=True).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])
    return address


@transaction.atomic
def save_address(*, user, label="", line, postcode, city, latitude, longitude, make_default=False, address=None):
    """Create (or update) a saved address of `user` (F-ORD-3). The first one is the default;
    `make_default` moves the default to it.

    Screens call pizzeria.delivery.keep_address, which places the address first (fields checked,
    geocoded): accounts sit below the pizzerias in the layers, so they never geocode themselves."""
    address = address or Address(user=user)
    address.label, address.line, address.postcode, address.city = (label or "").strip(), line, postcode, city
    address.latitude, address.longitude = latitude, longitude
    first = not user.addresses.exclude(pk=address.pk).exists()
    address.full_clean()
    address.save()
    if make_default or first or address.is_default:
        set_default_address(address=address)
    return address


@transaction.atomic
def delete_address(*, address):
    """Delete a saved address; when it was the default, the oldest remaining one becomes default."""
    user, was_default = address.user, address.is_default
    address.delete()
    if was_default:
        following = user.addresses.order_by("pk").first()
        if following:
            set_default_address(address=following)


def password_link_context(*, user, domain, protocol):
    """What the password e-mails' templates need: the link to choose a password, made now with
    Django's token generator (it expires with PASSWORD_RESET_TIMEOUT)."""
    return {
        "email": user.email,
        "user": user,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
        "first_name": user.first_name,
    }


def queue_password_link(*, user, kind, domain, protocol, extra=None):
    """E-mail `user` a link, as a background job sent after the commit
    (account.tasks.send_password_link): kind "reset" (the customer asked), "set" (a staff member
    created without a password), "activate" (a new customer's account) or "already_registered"
    (someone registered with a known e-mail). The token is made when the job runs: none is stored."""
    enqueue(
        "account.tasks.send_password_link",
        key=f"password-{kind}:{user.pk}:{uuid.uuid4().hex}",  # each request is its own event
        arguments={"user_id": user.pk, "kind": kind, "domain": domain, "protocol": protocol, "extra": extra or {}},
    )


def send_set_password_email(*, user, request=None):
    """Send a staff member created without a password the link to choose one (F-AUTH-2).

    Django's PasswordResetForm skips users without a usable password, so the mail is built by
    our own job with the same token generator."""
    site = get_current_site(request) if request else None
    queue_password_link(
        user=user, kind="set", domain=site.domain if site else "localhost:8000",
        protocol="https" if request and request.is_secure() else "http",
    )


def _send(*, user, request, template, extra=None):
    """One of the account e-mails with a link (activate, already_registered), as a background job."""
    site = get_current_site(request) if request else None
    queue_password_link(
        user=user, kind=template, domain=site.domain if site else "localhost:8000",
        protocol="https" if request and request.is_secure() else "http", extra=extra,
    )


@transaction.atomic
def register_customer(*, email, password, first_name="", last_name="", phone="", request=None, next_url=""):
    """A customer's registration (F-AUTH-1), answering the same whether the e-mail is known or not
    (issue 13 left-over, issue 19): the screen never says "this e-mail has an account".

    A new address gets an inactive account and a link to activate it (which logs in); a known one
    gets an e-mail saying someone tried to register with it, with the login and reset links. A
    customer who registered but never activated gets a fresh activation link instead."""
    from account.models import User

    email = User.objects.normalize_email(email).strip().lower()
    extra = {"next": next_url}
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User(email=email, first_name=first_name, last_name=last_name, phone=phone, is_active=False)
        user.set_password(password)
        user.full_clean()
        user.save()
        _send(user=user, request=request, template="activate", extra=extra)
        return user
    if not existing.is_active and not existing.is_staff and existing.last_login is None:
        _send(user=existing, request=request, template="activate", extra=extra)
    else:
        _send(user=existing, request=request, template="already_registered", extra=extra)
    return None


@transaction.atomic
def activate_customer(*, user, token):
    """Turn on an account from its activation link; False when the link is not (or no longer) valid.
    The caller logs the user in, which changes last_login and so spends the token."""
    if user.is_staff or user.last_login is not None or not default_token_generator.check_token(user, token):
        return False
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return True


def grant_staff_access(*, user):
    """A role in a pizzeria makes the account a staff one (issue 19): "Statut équipe" is what lets
    Django's admin login in, and an employee given a role must be able to log in."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user
