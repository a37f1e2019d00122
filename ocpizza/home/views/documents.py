"""The customer's receipts, invoices and credit notes (issue 18, F-BOOK-2), from "Mes commandes":
the order's owner only (another customer's number is a 404, as an unknown one)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from home.views.orders import own_order
from ocpizza.business import BusinessError, message_of
from order.documents_pdf import credit_note_pdf, invoice_pdf, receipt_pdf
from order.invoices import is_settled, issue_credit_note, issue_invoice, refunds_of
from order.models import CreditNote, Invoice


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def receipt(request, number):
    order = own_order(request, number)
    if not is_settled(order):
        raise Http404
    return pdf_response(receipt_pdf(order), f"ticket-{order.number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def invoice(request, number):
    """GET: the invoice already issued. POST: ask for it (the same one if asked before)."""
    order = own_order(request, number)
    if request.method == "POST":
        try:
            issued = issue_invoice(order=order, by=request.user, business_name=request.POST.get("business_name", ""),
                                   vat_number=request.POST.get("vat_number", ""))
        except (BusinessError, ValidationError) as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("Votre facture n° %(number)s est prête.") % {"number": issued.number})
        return redirect("order:detail", number=order.number)
    issued = Invoice.objects.filter(order=order).first()
    if issued is None:
        raise Http404
    return pdf_response(invoice_pdf(issued), f"facture-{issued.number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def credit_note(request, number, refund):
    """GET: the credit note of a refund. POST: issue it (the same one if issued before)."""
    order = own_order(request, number)
    payment = refunds_of(order).filter(pk=refund).first()
    if payment is None:
        raise Http404
    if request.method == "POST":
        try:
            note = issue_credit_note(refund=payment, by=request.user)
        except BusinessError as exc:
            messages.error(request, message_of(exc))
            return redirect("order:detail", number=order.number)
        return redirect("order:credit_note", number=order.number, refund=payment.pk)
    note = CreditNote.objects.filter(refund=payment).first()
    if note is None:
        raise Http404
    return pdf_response(credit_note_pdf(note), f"avoir-{note.number}.pdf")
