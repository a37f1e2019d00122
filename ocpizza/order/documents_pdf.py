"""The receipt, the invoice and the credit note as PDF files (issue 18, F-BOOK-2), drawn with
ReportLab (pure Python). Amounts in euros with a decimal comma, dates and times in Paris.

The receipt is drawn from the order as it stands (lines, VAT per rate, payments); an invoice
or a credit note from the copy it keeps (order.invoices), so it reads the same forever."""
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from books.vat import VatBreakdown
from order.invoices import line_rows, payment_method_label, seller_of
from order.models import Payment
from order.vat import order_vat_breakdown

BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=8.5, leading=11)
SMALL = ParagraphStyle("small", parent=BASE, fontSize=7, leading=9, textColor=colors.HexColor("#444444"))
CENTER = ParagraphStyle("center", parent=BASE, alignment=TA_CENTER)
TITLE = ParagraphStyle("title", parent=BASE, fontName="Helvetica-Bold", fontSize=13, leading=16)
TITLE_CENTER = ParagraphStyle("title_center", parent=TITLE, alignment=TA_CENTER)
RIGHT = ParagraphStyle("right", parent=BASE, alignment=TA_RIGHT)
BOLD = ParagraphStyle("bold", parent=BASE, fontName="Helvetica-Bold")
GRID = colors.HexColor("#999999")


def eur(amount) -> str:
    """"1 234,50 €" (a no-break space between thousands: the standard PDF fonts have it)."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    whole, fraction = f"{abs(value):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{'-' if value < 0 else ''}{grouped},{fraction} €"


def rate_label(rate) -> str:
    """"10 %", "5,5 %"."""
    value = Decimal(rate).normalize()
    return f"{format(value, 'f').replace('.', ',')} %"


def paris(when, fmt="%d/%m/%Y %H:%M") -> str:
    return timezone.localtime(when).strftime(fmt)


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text, style=BASE):
    return Paragraph(_escape(text), style)


def _seller_block(seller, style):
    rows = [Paragraph(f"<b>{_escape(seller['shop'])}</b>", style), _p(seller["address"], style)]
    if seller.get("phone"):
        rows.append(_p(_("Tél. %(phone)s") % {"phone": seller["phone"]}, style))
    return rows


def _legal_block(seller, style=SMALL):
    company = " — ".join(part for part in (seller.get("legal_name"), seller.get("legal_form")) if part)
    return [
        _p(company, style),
        _p(_("Siège social : %(address)s") % {"address": seller.get("registered_address", "")}, style),
        _p(_("SIRET %(siret)s — %(registry)s") % {"siret": seller.get("siret", ""), "registry": seller.get("registry", "")}, style),
        _p(_("N° TVA intracommunautaire : %(vat)s") % {"vat": seller.get("vat_number", "")}, style),
    ]


def _vat_table(vat: VatBreakdown, widths):
    """Taux | HT | TVA | TTC, one row per rate and the totals."""
    rows = [[_("Taux TVA"), _("Montant HT"), _("TVA"), _("Montant TTC")]]
    for amount in vat.lines:
        rows.append([_("TVA %(rate)s") % {"rate": rate_label(amount.rate)}, eur(amount.ht), eur(amount.tva), eur(amount.ttc)])
    rows.append([_("Total"), eur(vat.ht), eur(vat.tva), eur(vat.ttc)])
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, GRID),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, GRID),
    ]))
    return table


def _render(story, *, pagesize, margins, title):
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=margins, rightMargin=margins, topMargin=margins, bottomMargin=margins,
        title=title, author="OC Pizza", creator="OC Pizza",
    )
    document.build(story)
    return buffer.getvalue()


# --- the receipt (ticket) -------------------------------------------------------------------------


def receipt_pdf(order) -> bytes:
    """The till receipt of a paid or collected order, 80 mm wide like a ticket printer's."""
    seller = seller_of(order.pizzeria)
    lines = line_rows(order.lines.all())
    vat = order_vat_breakdown(order)
    width = 80 * mm
    inner = width - 8 * mm
    story = [*_seller_block(seller, CENTER), Spacer(1, 2 * mm), *_legal_block(seller, ParagraphStyle("lc", parent=SMALL, alignment=TA_CENTER)),
             Spacer(1, 3 * mm), _p(_("TICKET DE CAISSE"), TITLE_CENTER),
             _p(_("Commande %(number)s — %(date)s") % {"number": order.number, "date": paris(order.created_at)}, CENTER),
             _p(f"{order.get_channel_display()} — {order.get_fulfilment_display()}", CENTER), Spacer(1, 3 * mm)]
    rows = []
    for line in lines:
        rows.append([Paragraph(f"{line['quantity']} × {_escape(line['description'])}", BASE),
                     _p(" / ".join(rate_label(r) for r in line["rates"]), RIGHT), _p(eur(line["total_ttc"]), RIGHT)])
    table = Table(rows, colWidths=[inner * 0.58, inner * 0.17, inner * 0.25])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [table, Spacer(1, 2 * mm)]
    totals = Table([[_("TOTAL TTC"), eur(vat.ttc)]], colWidths=[inner * 0.6, inner * 0.4])
    totals.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica-Bold", 11), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [totals, Spacer(1, 2 * mm), _vat_table(vat, [inner * 0.25] * 4), Spacer(1, 3 * mm)]
    story.append(_p(_("Paiement : %(method)s") % {"method": payment_method_label(order)}, BOLD))
    payments = order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("created_at", "pk")
    for payment in payments:
        sign = "-" if payment.kind == Payment.Kind.REFUND else ""
        story.append(_p(f"{paris(payment.created_at)} — {payment.get_kind_display()} ({payment.get_provider_display()}) : {sign}{eur(payment.amount)}"))
    if order.collected_amount is not None:
        story.append(_p(_("Encaissé : %(amount)s") % {"amount": eur(order.collected_amount)}))
        change = order.collected_amount - order.total
        if change > 0:
            story.append(_p(_("Rendu : %(amount)s") % {"amount": eur(change)}))
    story += [Spacer(1, 4 * mm), _p(_("Merci de votre visite et à bientôt !"), CENTER),
              _p(_("Facture sur demande depuis « Mes commandes »."), ParagraphStyle("n", parent=SMALL, alignment=TA_CENTER))]
    height = (150 + 9 * len(lines) + 5 * payments.count()) * mm
    return _render(story, pagesize=(width, height), margins=4 * mm, title=_("Ticket %(number)s") % {"number": order.number})


# --- invoices and credit notes --------------------------------------------------------------------


def _issued_pdf(document, *, title, intro):
    seller = document.seller
    vat = VatBreakdown.from_data(document.vat)
    inner = A4[0] - 30 * mm
    buyer = [Paragraph(f"<b>{_escape(document.buyer_business or document.buyer_name)}</b>", BASE)]
    if document.buyer_business and document.buyer_name:
        buyer.append(_p(_("À l'attention de %(name)s") % {"name": document.buyer_name}))
    if document.buyer_address:
        buyer.append(_p(document.buyer_address))
    if document.buyer_vat_number:
        buyer.append(_p(_("N° TVA : %(vat)s") % {"vat": document.buyer_vat_number}))
    header = Table([[_seller_block(seller, BASE) + [Spacer(1, 2 * mm)] + _legal_block(seller), buyer]],
                   colWidths=[inner * 0.55, inner * 0.45])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (1, 0), (1, 0), 0.5, GRID),
                                ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story = [header, Spacer(1, 8 * mm), _p(f"{title} {document.number}", TITLE),
             _p(_("Date d'émission : %(date)s") % {"date": paris(document.issued_at, "%d/%m/%Y")}), *intro, Spacer(1, 5 * mm)]
    rows = [[_("Désignation"), _("Qté"), _("PU TTC"), _("TVA"), _("Total HT"), _("Total TTC")]]
    for line in document.lines:
        rows.append([_p(line["description"]), str(line["quantity"]), eur(line["unit_ttc"]),
                     " / ".join(rate_label(r) for r in line["rates"]), eur(line["total_ht"]), eur(line["total_ttc"])])
    table = Table(rows, colWidths=[inner * 0.40, inner * 0.07, inner * 0.13, inner * 0.12, inner * 0.14, inner * 0.14], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
    ]))
    story += [table, Spacer(1, 6 * mm)]
    summary = Table([["", _vat_table(vat, [inner * 0.13] * 4)]], colWidths=[inner * 0.48, inner * 0.52])
    summary.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [summary, Spacer(1, 3 * mm), _p(_("Net à payer : %(amount)s") % {"amount": eur(vat.ttc)}, ParagraphStyle("np", parent=BOLD, alignment=TA_RIGHT, fontSize=11, leading=14))]
    return story, inner


def invoice_pdf(invoice) -> bytes:
    order = invoice.order
    intro = [
        _p(_("Commande %(number)s du %(date)s — %(fulfilment)s") % {
            "number": order.number, "date": paris(order.created_at, "%d/%m/%Y"), "fulfilment": order.get_fulfilment_display()}),
        _p(_("Date de la vente : %(date)s") % {"date": paris(order.delivered_at or order.created_at, "%d/%m/%Y")}),
    ]
    story, _inner = _issued_pdf(invoice, title=_("FACTURE N°"), intro=intro)
    story += [Spacer(1, 6 * mm),
              _p(_("Facture acquittée — paiement : %(method)s.") % {"method": payment_method_label(order)}, BOLD),
              _p(_("Pas d'escompte pour paiement anticipé. En cas de retard de paiement d'un professionnel : pénalités au "
                   "taux de 3 fois le taux d'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 € "
                   "(art. L441-10 du Code de commerce)."), SMALL)]
    return _render(story, pagesize=A4, margins=15 * mm, title=_("Facture %(number)s") % {"number": invoice.number})


def credit_note_pdf(note) -> bytes:
    intro = [_p(_("Avoir sur la commande %(number)s") % {"number": note.order.number})]
    if note.invoice_id:
        intro.append(_p(_("Rectifie la facture n° %(number)s du %(date)s") % {
            "number": note.invoice.number, "date": paris(note.invoice.issued_at, "%d/%m/%Y")}))
    story, _inner = _issued_pdf(note, title=_("AVOIR N°"), intro=intro)
    story += [Spacer(1, 6 * mm), _p(_("Montant remboursé le %(date)s par %(provider)s.") % {
        "date": paris(note.refund.created_at, "%d/%m/%Y"), "provider": note.refund.get_provider_display()}, BOLD)]
    return _render(story, pagesize=A4, margins=15 * mm, title=_("Avoir %(number)s") % {"number": note.number})
