"""Erasure of a customer's personal data and the retention purge (issue 18, F-BOOK-4, GDPR art. 17).

The books stay: an order is a sale (its lines, amounts, payments, the stock ledger, the daily
figures and the sales journal are kept as they were), only the person is taken out of it. The
account row is kept, anonymised and deactivated, so that every foreign key to it (history,
journal, jobs) still points somewhere; its addresses go; every audit row (simple-history) of the
account, of its addresses and of its orders is scrubbed the same way. Sessions end: the account
has no usable password any more (Django logs out every session whose password hash changed), and
the stored sessions of the account are deleted. All of it in one transaction."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from account.models import Address, User
from ocpizza.business import BusinessError
from order.models import Order
from order.rules import FINAL_STATUSES
from order.services import cancel_order

logger = logging.getLogger(__name__)

# What replaces a person in the rows kept for the books.
ERASED_NAME = "Client anonymisé"
ERASED_LINE = "Adresse effacée"
ERASED_DOMAIN = "anonyme.invalid"  # .invalid never resolves (RFC 2606): no mail can leave for it

# Order fields that describe the person, not the sale.
PERSONAL_ORDER_FIELDS = {
    "customer_name": ERASED_NAME, "customer_phone": "", "customer_email": "",
    "delivery_postcode": "", "delivery_city": "", "delivery_latitude": None, "delivery_longitude": None,
    "delivery_instructions": "", "customer_note": "",
}


class ErasureRefused(BusinessError):
    """The account cannot be erased now (an order in progress, a staff account)."""


@dataclass
class Erasure:
    orders: int
    addresses: int


def erased_email(user_pk: int) -> str:
    return f"supprime-{user_pk}@{ERASED_DOMAIN}"


def is_erased(user) -> bool:
    return user.email.endswith(f"@{ERASED_DOMAIN}")


def erasure_refusal(*, user) -> str | None:
    """Why `user`'s account cannot be erased now (a French sentence), or None."""
    if user.is_staff or user.is_superuser or user.memberships.exists():
        return _("Ce compte est celui d'un membre du personnel : retirez d'abord ses rôles et son accès à l'administration.")
    busy = Order.objects.filter(customer=user).exclude(status__in=FINAL_STATUSES).order_by("created_at").first()
    if busy is not None:
        return _(
            "La commande %(number)s est en cours (« %(status)s ») : le compte pourra être supprimé quand elle "
            "sera livrée ou annulée."
        ) % {"number": busy.number, "status": busy.get_status_display()}
    return None


def anonymise_orders(order_ids) -> int:
    """Take the person out of these orders and out of every audit row of them."""
    order_ids = list(order_ids)
    if not order_ids:
        return 0
    count = Order.objects.filter(pk__in=order_ids).update(customer=None, **PERSONAL_ORDER_FIELDS)
    # The delivery line cannot be empty for a delivery (a database constraint): it is replaced.
    Order.objects.filter(pk__in=order_ids).exclude(delivery_line="").update(delivery_line=ERASED_LINE)
    history = Order.history.model.objects.filter(id__in=order_ids)
    history.update(customer=None, **PERSONAL_ORDER_FIELDS)
    history.exclude(delivery_line="").update(delivery_line=ERASED_LINE)
    return count


def _end_sessions(user_pk):
    """Delete the stored sessions of the account (cached_db: the cache entry goes with them)."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_pk):
            store(session_key=session.session_key).delete()


@transaction.atomic
def erase_customer(*, user, by=None) -> Erasure:
    """Erase a customer's personal data (asked by the customer, by head office on request, or by
    the retention purge). Raises ErasureRefused, writing nothing, while it cannot be done."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    orders = list(Order.objects.select_for_update().filter(customer_id=user.pk).order_by("pk").values_list("pk", flat=True))
    locked = User.objects.select_for_update().get(pk=user.pk)
    refusal = erasure_refusal(user=locked)
    if refusal:
        raise ErasureRefused(refusal)
    old_email = locked.email
    anonymised = anonymise_orders(orders)

    addresses = Address.objects.filter(user_id=locked.pk)
    address_count = addresses.count()
    addresses.delete()
    Address.history.model.objects.filter(user_id=locked.pk).delete()

    email = erased_email(locked.pk)
    locked.email, locked.first_name, locked.last_name, locked.phone = email, "", "", ""
    locked.is_active = False
    locked.set_unusable_password()
    locked.save()
    locked.groups.clear()
    locked.user_permissions.clear()
    User.history.model.objects.filter(id=locked.pk).update(email=email, first_name="", last_name="", phone="")
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(locked.pk)).update(
        object_repr=email
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=old_email).delete()
    _end_sessions(locked.pk)
    logger.info("Customer %s erased by %s: %s orders anonymised", locked.pk, getattr(by, "pk", "retention"), anonymised)
    user.email, user.first_name, user.last_name, user.phone, user.is_active = email, "", "", "", False
    return Erasure(orders=anonymised, addresses=address_count)


# --- retention (weekly maintenance) ---------------------------------------------------------------


def _cancel_abandoned_orders(*, now, days) -> int:
    """Card orders never paid, still waiting after `days` days: cancelled by the system, which
    gives back the stock and the slot they held (the customer left the payment page)."""
    stale = Order.objects.filter(
        status=Order.Status.AWAITING_CONFIRMATION,
        payment_method=Order.PaymentMethod.CARD_ONLINE,
        payment_status__in=(Order.PaymentStatus.AWAITING_PAYMENT, Order.PaymentStatus.FAILED),
        created_at__lt=now - timedelta(days=days),
    )
    cancelled = 0
    for order in stale.order_by("pk"):
        try:
            cancel_order(order, by=None, reason=_("Paiement jamais effectué"))
        except (BusinessError, ValidationError):
            logger.warning("Abandoned order %s not cancelled", order.number, exc_info=True)
        else:
            cancelled += 1
    return cancelled


def _delete_unactivated_accounts(*, now, days) -> int:
    """Registrations never activated: nothing but an e-mail address and a name, deleted."""
    stale = User.objects.filter(
        is_active=False, is_staff=False, is_superuser=False, last_login__isnull=True,
        date_joined__lt=now - timedelta(days=days), memberships__isnull=True, orders__isnull=True,
    ).exclude(email__endswith=f"@{ERASED_DOMAIN}")
    deleted = 0
    for user in stale:
        pk = user.pk
        try:
            with transaction.atomic():
                user.delete()
                User.history.model.objects.filter(id=pk).delete()
                Address.history.model.objects.filter(user_id=pk).delete()
        except ProtectedError:  # a record points to it after all: erased instead, the row stays
            erase_customer(user=user)
        deleted += 1
    return deleted


def _erase_inactive_customers(*, now, years) -> int:
    """Customers who neither logged in nor ordered for `years` years are erased."""
    limit = now - timedelta(days=365 * years)
    customers = (
        User.objects.filter(is_staff=False, is_superuser=False, memberships__isnull=True, date_joined__lt=limit)
        .exclude(email__endswith=f"@{ERASED_DOMAIN}")
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=limit))
        .annotate(last_order=Max("orders__created_at"))
        .filter(Q(last_order__isnull=True) | Q(last_order__lt=limit))
    )
    erased = 0
    for user in customers:
        try:
            erase_customer(user=user)
        except ErasureRefused:
            continue
        erased += 1
    return erased


def _anonymise_old_guest_orders(*, now, years) -> int:
    """Phone and counter orders without an account keep a name and a phone: taken out after
    `years` years, like an account's."""
    old = Order.objects.filter(
        customer__isnull=True, status__in=FINAL_STATUSES, created_at__lt=now - timedelta(days=365 * years),
    ).exclude(customer_name=ERASED_NAME, customer_phone="", customer_email="")
    with transaction.atomic():
        return anonymise_orders(old.values_list("pk", flat=True))


def apply_retention(*, now=None, years: int | None = None, abandoned_days: int | None = None,
                    unactivated_days: int | None = None) -> dict:
    """The retention rules (settings PERSONAL_DATA_RETENTION_YEARS, ABANDONED_ORDER_DAYS,
    UNACTIVATED_ACCOUNT_DAYS), run by the weekly maintenance. Carts live in the session and go
    with it; password links are signed tokens that expire by themselves (nothing is stored)."""
    now = now or timezone.now()
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    abandoned_days = settings.ABANDONED_ORDER_DAYS if abandoned_days is None else abandoned_days
    unactivated_days = settings.UNACTIVATED_ACCOUNT_DAYS if unactivated_days is None else unactivated_days
    return {
        "abandoned_orders": _cancel_abandoned_orders(now=now, days=abandoned_days),
        "unactivated_accounts": _delete_unactivated_accounts(now=now, days=unactivated_days),
        "inactive_customers": _erase_inactive_customers(now=now, years=years),
        "guest_orders": _anonymise_old_guest_orders(now=now, years=years),
    }
