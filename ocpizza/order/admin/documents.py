"""The order page's receipt, invoice and credit notes (issue 18, F-BOOK-2): one page of
OrderAdmin. Whoever may see the order downloads them; a manager of the order's shop or head
office issues the invoice (with a business customer's name and VAT number) and credit notes."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from account.roles import Role, has_role, is_head_office
from ocpizza.business import BusinessError, message_of
from order.documents_pdf import credit_note_pdf, invoice_pdf, receipt_pdf
from order.invoices import is_settled, is_sold, issue_credit_note, issue_invoice, refunds_of
from order.models import CreditNote, Invoice


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class DocumentsMixin:
    def has_detail_documents_permission(self, request, object_id=None):
        return self.has_view_permission(request)

    def _may_issue(self, request, order):
        return is_head_office(request.user) or has_role(request.user, order.pizzeria_id, Role.MANAGER)

    @action(description=_("Ticket et factures"), url_path="documents", permissions=["detail_documents"], icon="receipt_long")
    def detail_documents(self, request, object_id):
        order = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if order is None:
            raise Http404
        here = reverse("admin:order_order_detail_documents", args=[order.pk])
        refunds = list(refunds_of(order))
        download = request.GET.get("download")
        if request.method == "GET" and download:
            if download == "receipt" and is_settled(order):
                return _pdf(receipt_pdf(order), f"ticket-{order.number}.pdf")
            invoice = Invoice.objects.filter(order=order).first()
            if download == "invoice" and invoice:
                return _pdf(invoice_pdf(invoice), f"facture-{invoice.number}.pdf")
            note = CreditNote.objects.filter(order=order, refund_id=request.GET.get("refund") or 0).first()
            if download == "credit_note" and note:
                return _pdf(credit_note_pdf(note), f"avoir-{note.number}.pdf")
            raise Http404
        if request.method == "POST":
            if not self._may_issue(request, order):
                self.message_user(request, _("Seuls le gérant de la pizzeria et le siège émettent factures et avoirs."), messages.ERROR)
                return HttpResponseRedirect(here)
            try:
                if request.POST.get("issue") == "credit_note":
                    refund = next((r for r in refunds if str(r.pk) == request.POST.get("refund")), None)
                    if refund is None:
                        raise Http404
                    issued = issue_credit_note(refund=refund, by=request.user)
                else:
                    issued = issue_invoice(order=order, by=request.user, business_name=request.POST.get("business_name", ""),
                                           vat_number=request.POST.get("vat_number", ""))
            except (BusinessError, ValidationError) as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                self.message_user(request, _("%(document)s n° %(number)s émis.") % {
                    "document": issued._meta.verbose_name.capitalize(), "number": issued.number}, messages.SUCCESS)
            return HttpResponseRedirect(here)
        notes = {note.refund_id: note for note in CreditNote.objects.filter(order=order)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Ticket et factures de la commande %(number)s") % {"number": order.number},
            "order": order,
            "here": here,
            "change_url": reverse("admin:order_order_change", args=[order.pk]),
            "has_receipt": is_settled(order),
            "invoice": Invoice.objects.filter(order=order).first(),
            "may_invoice": is_sold(order),
            "may_issue": self._may_issue(request, order),
            "refunds": [(refund, notes.get(refund.pk)) for refund in refunds],
        }
        return TemplateResponse(request, "admin/order/order/documents.html", context)
