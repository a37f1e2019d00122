"""Invoices and credit notes (issue 18, F-BOOK-2): numbered per shop and year without a gap.

A number is taken from the shop's DocumentCounter row for the series and the year, locked with
select_for_update in the transaction that writes the document: two requests wait for each
other, and a transaction that fails gives its number back. Lock order: the order row, then the
counter row. Asking twice for the invoice of an order (or the credit note of a refund) returns
the one already issued. The document keeps a copy of the seller, the buyer, the lines and the
VAT per rate as they were: what it says never changes afterwards."""
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from books.vat import split_ttc
from ocpizza.business import BusinessError
from order.locks import lock_order
from order.models import CreditNote, DocumentCounter, Invoice, Order, Payment
from order.rules import CLOSED_UNSOLD
from order.vat import amount_vat_breakdown, line_parts, order_vat_breakdown
from pizzeria.legal import missing_legal_details, siret_display, vat_number_display

ZERO = Decimal("0.00")
SOLD_PAYMENT_STATUSES = (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTLY_REFUNDED)


class DocumentRefused(BusinessError):
    """No invoice or credit note can be issued for this (not sold, shop details missing...)."""


def is_settled(order) -> bool:
    """Money was received for the order: paid online, or collected at the door or the counter.
    Such an order has a receipt."""
    return order.collected_amount is not None or order.amount_paid > 0


def is_sold(order) -> bool:
    """A sale that can be invoiced: paid or collected, and neither cancelled nor refused."""
    if order.status in CLOSED_UNSOLD:
        return False
    return order.collected_amount is not None or order.payment_status in SOLD_PAYMENT_STATUSES


def payment_method_label(order) -> str:
    if order.collected_method:
        return _("%(method)s à la remise") % {"method": order.get_collected_method_display()}
    if order.payment_method == Order.PaymentMethod.CARD_ONLINE:
        return _("Carte bancaire en ligne")
    return order.get_payment_method_display()


def seller_of(pizzeria) -> dict:
    return {
        "shop": pizzeria.name,
        "address": f"{pizzeria.address_line}, {pizzeria.postcode} {pizzeria.city}",
        "phone": pizzeria.phone,
        "legal_name": pizzeria.legal_name,
        "legal_form": pizzeria.legal_form,
        "siret": siret_display(pizzeria.siret),
        "vat_number": vat_number_display(pizzeria.vat_number),
        "registered_address": pizzeria.registered_address,
        "registry": pizzeria.registry,
    }


def line_rows(lines) -> list[dict]:
    """Each order line as documents print it: description (with its options), quantity, unit
    TTC, its rate(s), total HT and TTC (HT split per rate and per line, as the VAT totals are)."""
    rows = []
    for line in lines:
        parts = line_parts(line)
        amounts = [split_ttc(unit * line.quantity, rate) for rate, unit in parts]
        rows.append({
            "description": line.description,
            "quantity": line.quantity,
            "unit_ttc": str(line.unit_price),
            "rates": [str(rate) for rate, _unit in parts],
            "total_ht": str(sum((a.ht for a in amounts), ZERO)),
            "total_ttc": str(line.line_total),
        })
    return rows


def _next_number(*, pizzeria, series, year) -> int:
    """The next number of the series, the counter row locked until the caller's transaction ends."""
    counters = DocumentCounter.objects.select_for_update()
    counter = counters.filter(pizzeria=pizzeria, series=series, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # the first document of the year: the row may be racing
                DocumentCounter.objects.create(pizzeria=pizzeria, series=series, year=year)
        except IntegrityError:
            pass
        counter = counters.get(pizzeria=pizzeria, series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _number(pizzeria, series, year, sequence) -> str:
    infix = "-AV" if series == DocumentCounter.Series.CREDIT_NOTE else ""
    return f"{pizzeria.invoice_prefix}{infix}-{year}-{sequence:06d}"


def _check_shop(pizzeria):
    missing = missing_legal_details(pizzeria)
    if missing:
        raise DocumentRefused(
            _("Les mentions légales de %(shop)s sont incomplètes (%(fields)s) : le siège doit les saisir avant toute facture.")
            % {"shop": pizzeria.name, "fields": ", ".join(missing)}
        )


def _buyer_of(order, business_name, vat_number):
    business_name = (business_name or "").strip()[:150]
    vat_number = re.sub(r"\s", "", vat_number or "").upper()[:20]
    if vat_number and not business_name:
        raise ValidationError({"business_name": _("Indiquez la raison sociale de l'entreprise qui porte ce numéro de TVA.")})
    if vat_number and not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", vat_number):
        raise ValidationError({"vat_number": _("Numéro de TVA intracommunautaire invalide : 2 lettres du pays puis 2 à 13 chiffres ou lettres.")})
    name = order.customer_name or (order.customer.get_full_name() if order.customer_id else "")
    return {
        "buyer_name": name, "buyer_business": business_name, "buyer_vat_number": vat_number,
        "buyer_address": order.delivery_address,
    }


def _issue(model, *, series, order, by, lines, vat, buyer, **fields):
    now = timezone.now()
    year = timezone.localdate(now).year
    sequence = _next_number(pizzeria=order.pizzeria, series=series, year=year)
    return model.objects.create(
        pizzeria=order.pizzeria, year=year, sequence=sequence, number=_number(order.pizzeria, series, year, sequence),
        issued_at=now, issued_by=by if getattr(by, "is_authenticated", False) else None,
        seller=seller_of(order.pizzeria), lines=lines, vat=vat.as_data(),
        total_ht=vat.ht, total_vat=vat.tva, total_ttc=vat.ttc, order=order, **buyer, **fields,
    )


@transaction.atomic
def issue_invoice(*, order, by=None, business_name: str = "", vat_number: str = "") -> Invoice:
    """The invoice of a sold order: the one already issued, or a new one with the next number."""
    locked = lock_order(order.pk, "pizzeria", "customer")
    existing = Invoice.objects.filter(order=locked).first()
    if existing is not None:
        return existing
    if not is_sold(locked):
        raise DocumentRefused(
            _("La commande %(number)s n'est pas encore payée ou a été annulée : pas de facture.") % {"number": locked.number}
        )
    _check_shop(locked.pizzeria)
    buyer = _buyer_of(locked, business_name, vat_number)
    vat = order_vat_breakdown(locked)
    return _issue(Invoice, series=DocumentCounter.Series.INVOICE, order=locked, by=by,
                  lines=line_rows(locked.lines.all()), vat=vat, buyer=buyer)


@transaction.atomic
def issue_credit_note(*, refund, by=None) -> CreditNote:
    """The credit note of a refund that succeeded: the one already issued, or a new one."""
    locked = lock_order(refund.order_id, "pizzeria", "customer")
    existing = CreditNote.objects.filter(refund_id=refund.pk).first()
    if existing is not None:
        return existing
    refund = Payment.objects.get(pk=refund.pk)
    if refund.kind != Payment.Kind.REFUND or refund.status != Payment.Status.SUCCEEDED:
        raise DocumentRefused(_("Seul un remboursement effectué donne lieu à un avoir."))
    _check_shop(locked.pizzeria)
    invoice = Invoice.objects.filter(order=locked).first()
    buyer = (
        {f: getattr(invoice, f) for f in ("buyer_name", "buyer_business", "buyer_vat_number", "buyer_address")}
        if invoice else _buyer_of(locked, "", "")
    )
    vat = amount_vat_breakdown(locked, refund.amount)
    when = timezone.localtime(refund.created_at).strftime("%d/%m/%Y")
    lines = [{
        "description": _("Remboursement du %(date)s — commande %(number)s") % {"date": when, "number": locked.number},
        "quantity": 1, "unit_ttc": str(vat.ttc), "rates": [str(a.rate) for a in vat.lines],
        "total_ht": str(vat.ht), "total_ttc": str(vat.ttc),
    }]
    return _issue(CreditNote, series=DocumentCounter.Series.CREDIT_NOTE, order=locked, by=by,
                  lines=lines, vat=vat, buyer=buyer, refund=refund, invoice=invoice)


def refunds_of(order):
    return order.payments.filter(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED).order_by("created_at", "pk")
