import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ocpizza.models import TimeStampedModel

# Digits and capitals without the look-alikes (0/O, 1/I/L) so a number reads well on the phone.
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_order_number():
    """A short, unguessable, readable number such as "OC-7KD4-Q2MX"; unique in the database."""
    body = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))
    return f"OC-{body[:4]}-{body[4:]}"


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("En attente de confirmation")
        TO_PREPARE = "to_prepare", _("À préparer")
        IN_PREPARATION = "in_preparation", _("En préparation")
        READY = "ready", _("Prête")
        OUT_FOR_DELIVERY = "out_for_delivery", _("En livraison")
        DELIVERED = "delivered", _("Livrée")
        CANCELLED = "cancelled", _("Annulée")
        REFUSED = "refused", _("Refusée")

    class Channel(models.TextChoices):
        WEB = "web", _("Site web")
        PHONE = "phone", _("Téléphone")
        COUNTER = "counter", _("Comptoir")

    class Fulfilment(models.TextChoices):
        DELIVERY = "delivery", _("Livraison")
        PICKUP = "pickup", _("À emporter")

    class PaymentMethod(models.TextChoices):
        CARD_ONLINE = "card_online", _("Carte en ligne")
        ON_DELIVERY = "on_delivery", _("À la livraison / au retrait")

    class PaymentStatus(models.TextChoices):
        TO_PAY_ON_DELIVERY = "to_pay_on_delivery", _("À payer à la livraison")
        AWAITING_PAYMENT = "awaiting_payment", _("En attente de paiement en ligne")
        PAID = "paid", _("Payée")
        FAILED = "failed", _("Paiement échoué")
        PARTLY_REFUNDED = "partly_refunded", _("Partiellement remboursée")
        REFUNDED = "refunded", _("Remboursée")

    class CollectionMethod(models.TextChoices):
        CASH = "cash", _("Espèces")
        CARD = "card", _("Carte bancaire")

    number = models.CharField(_("numéro"), max_length=20, unique=True, default=new_order_number, editable=False)
    pizzeria = models.ForeignKey(
        "pizzeria.Pizzeria", on_delete=models.PROTECT, related_name="orders", verbose_name=_("pizzeria")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("client"),
    )
    # Contact snapshot: phone and counter customers may have no account.
    customer_name = models.CharField(_("nom du client"), max_length=150, blank=True)
    customer_phone = models.CharField(_("téléphone du client"), max_length=20, blank=True)
    customer_email = models.EmailField(_("e-mail du client"), blank=True)

    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    fulfilment = models.CharField(_("mode"), max_length=10, choices=Fulfilment.choices, default=Fulfilment.DELIVERY)

    # Delivery address snapshot: later edits of the customer's address book do not move the order.
    delivery_line = models.CharField(_("adresse de livraison"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    delivery_city = models.CharField(_("ville"), max_length=100, blank=True)
    delivery_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_instructions = models.CharField(_("instructions de livraison"), max_length=255, blank=True)

    status = models.CharField(
        _("statut"), max_length=30, choices=Status.choices, default=Status.AWAITING_CONFIRMATION, db_index=True
    )
    payment_method = models.CharField(
        _("mode de paiement"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.ON_DELIVERY
    )
    payment_status = models.CharField(
        _("statut du paiement"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.TO_PAY_ON_DELIVERY,
    )
    # Server-computed from the lines; stored so that lists and statistics need no join.
    total = models.DecimalField(_("total TTC"), max_digits=9, decimal_places=2, default=Decimal("0"))
    amount_paid = models.DecimalField(_("montant payé"), max_digits=9, decimal_places=2, default=Decimal("0"))
    amount_refunded = models.DecimalField(_("montant remboursé"), max_digits=9, decimal_places=2, default=Decimal("0"))
    collected_amount = models.DecimalField(
        _("montant encaissé"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    collected_method = models.CharField(
        _("encaissé en"), max_length=10, choices=CollectionMethod.choices, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    pizzaiolo = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders_prepared",
        verbose_name=_("pizzaiolo"),
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders_delivered",
        verbose_name=_("livreur"),
    )
    customer_note = models.CharField(_("note du client"), max_length=255, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=255, blank=True)
    cancellation_reason = models.CharField(_("motif de l'annulation"), max_length=255, blank=True)

    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    ready_at = models.DateTimeField(_("prête le"), null=True, blank=True)
    out_for_delivery_at = models.DateTimeField(_("partie en livraison le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("livrée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refusée le"), null=True, blank=True)

    # Issue 17: when the order is for, and what the kitchen did with it (order.promise, order.kitchen).
    scheduled_for = models.DateTimeField(_("créneau choisi"), null=True, blank=True, help_text=_("Vide : dès que possible."))
    ready_by = models.DateTimeField(_("à préparer pour"), null=True, blank=True)
    promised_at = models.DateTimeField(_("heure promise"), null=True, blank=True)
    slot = models.ForeignKey(
        "pizzeria.ServiceSlot", on_delete=models.PROTECT, null=True, blank=True, related_name="orders_held",
        verbose_name=_("créneau tenu"),
    )
    acknowledged_at = models.DateTimeField(_("vue en cuisine le"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("vue par"),
    )
    printed_at = models.DateTimeField(_("ticket imprimé le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["pizzeria", "status", "created_at"], name="order_shop_status_created"),
            models.Index(fields=["pizzeria", "created_at"], name="order_shop_created"),
            models.Index(fields=["pizzeria", "status", "ready_by"], name="order_shop_status_ready_by"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="order_amount_paid_not_negative"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="order_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(collected_amount__isnull=True) | Q(collected_amount__gte=0),
                name="order_collected_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(fulfilment="pickup") | ~Q(delivery_line=""),
                name="order_delivery_has_address",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def payment_label(self):
        """The payment state as the customer should read it (issue 19): a pickup order is paid
        "au retrait", and nothing is due on a cancelled or refused order that was never paid."""
        if self.payment_status == self.PaymentStatus.TO_PAY_ON_DELIVERY:
            if self.status in (self.Status.CANCELLED, self.Status.REFUSED):
                return _("Rien à payer")
            if self.fulfilment == self.Fulfilment.PICKUP:
                return _("À payer au retrait")
        return self.get_payment_status_display()

    @property
    def customer_display(self):
        if self.customer_name:
            return self.customer_name
        return str(self.customer) if self.customer_id else ""

    @property
    def delivery_address(self):
        if self.fulfilment != self.Fulfilment.DELIVERY:
            return ""
        return f"{self.delivery_line}, {self.delivery_postcode} {self.delivery_city}"


class OrderLine(TimeStampedModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("commande"))
    product = models.ForeignKey(
        "product.Product", on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("produit")
    )
    product_name = models.CharField(_("nom du produit"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("quantité"))
    unit_price = models.DecimalField(_("prix unitaire TTC"), max_digits=7, decimal_places=2)
    # The customer's choices (issue 16), as product.line_recipe priced them: the line's identity in
    # the order (LineChoice.key, "12" without options), the size and second half by foreign key,
    # the extras as rows, and a snapshot of names, factor and quantities so that the ticket reads
    # the same after the menu changes. What one unit takes from stock is in OrderLineNeed.
    options_key = models.CharField(_("clé des choix"), max_length=200, default="")
    size = models.ForeignKey(
        "product.Size", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("taille")
    )
    second_half = models.ForeignKey(
        "product.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("seconde moitié")
    )
    extras = models.ManyToManyField("product.Extra", blank=True, related_name="+", verbose_name=_("suppléments"))
    options_label = models.CharField(_("choix"), max_length=255, blank=True)
    choices = models.JSONField(_("choix détaillés"), default=dict, blank=True)
    allergens = models.CharField(_("allergènes"), max_length=500, blank=True)
    # The VAT of one unit when the line was priced (issue 18, order.vat): the rate of its main part
    # and [[rate, unit TTC], ...] per rate (an extra may be taxed apart), at the order's day rates.
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2, default=Decimal("10.00"))
    vat_parts = models.JSONField(_("TVA par taux"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "options_key"], name="orderline_unique_choice"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="orderline_vat_rate_0_100"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity

    @property
    def description(self):
        """"Reine — Grande 40 cm — + Mozzarella — sans champignons": the ticket's line."""
        return f"{self.product_name} — {self.options_label}" if self.options_label else self.product_name


class OrderLineNeed(models.Model):
    """What ONE unit of an order line takes from stock, as product.line_recipe computed it when
    the line was priced. accept_order takes line quantity × these, the kitchen ticket shows them:
    later changes of the menu do not change an order already placed."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="needs", verbose_name=_("ligne"))
    ingredient = models.ForeignKey(
        "product.Ingredient", on_delete=models.PROTECT, related_name="+", verbose_name=_("ingrédient")
    )
    quantity = models.DecimalField(_("quantité par unité"), max_digits=10, decimal_places=3)

    class Meta:
        verbose_name = _("besoin d'une ligne")
        verbose_name_plural = _("besoins des lignes")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "ingredient"], name="orderlineneed_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderlineneed_positive"),
        ]


class OrderPrint(models.Model):
    """One kitchen ticket or bag label printed (order.kitchen): append-only."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("Ticket cuisine")
        LABEL = "label", _("Étiquette du sac")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="prints", verbose_name=_("commande"))
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    automatic = models.BooleanField(_("automatique"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("par"),
    )
    printed_at = models.DateTimeField(_("imprimé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("impression")
        verbose_name_plural = _("impressions")
        ordering = ["-printed_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.order} {self.printed_at:%d/%m %H:%M}"


class Payment(TimeStampedModel):
    """One payment attempt or refund: a Stripe PaymentIntent, a refund, or money collected at the door."""

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Paiement")
        REFUND = "refund", _("Remboursement")

    class Provider(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        CASH = "cash", _("Espèces")
        CARD_TERMINAL = "card_terminal", _("Terminal de paiement")

    class Status(models.TextChoices):
        PENDING = "pending", _("En cours")
        REQUIRES_ACTION = "requires_action", _("Authentification demandée")
        SUCCEEDED = "succeeded", _("Réussi")
        FAILED = "failed", _("Échoué")
        CANCELED = "canceled", _("Abandonné")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("commande"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    provider = models.CharField(_("moyen"), max_length=20, choices=Provider.choices, default=Provider.STRIPE)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(_("montant"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="eur")
    intent_id = models.CharField(_("PaymentIntent Stripe"), max_length=255, blank=True, db_index=True)
    refund_id = models.CharField(_("remboursement Stripe"), max_length=255, blank=True)
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=255, blank=True)
    failure_message = models.CharField(_("motif de l'échec"), max_length=255, blank=True)
    event_ids = models.JSONField(_("événements Stripe"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency.upper()} — {self.order}"


class WebhookEvent(models.Model):
    """Every Stripe event received, stored once by its id so that a replay changes nothing."""

    event_id = models.CharField(_("identifiant"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payload = models.JSONField(_("contenu"))
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="webhook_events", verbose_name=_("commande")
    )
    flagged = models.BooleanField(_("à vérifier"), default=False)
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    processed_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement Stripe")
        verbose_name_plural = _("événements Stripe")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class SalesMaps(models.Model):
    """The breakdowns' maps of a shop's sales over a day (DailySales) or a month (MonthlySales)."""

    # Counted orders by Paris hour {"12": [orders, cents]}, by "channel|fulfilment|payment method"
    # {"web|delivery|card_online": [orders, cents]}, and products sold {"<id>": [quantity, cents]}.
    hours = models.JSONField(default=dict)
    mixes = models.JSONField(default=dict)
    products = models.JSONField(default=dict)
    # The menu's options of the counted orders (issue 16's tables, kept here since issue 14 so that
    # the dashboard reads no order line): {"<size id or empty>|<product name as sold>": [quantity,
    # cents]}, extras {"<extra id>": pizzas}, ingredients used {"<ingredient id>|<size id or
    # empty>": thousandths of the ingredient's unit}.
    sizes = models.JSONField(default=dict)
    extras = models.JSONField(default=dict)
    needs = models.JSONField(default=dict)

    class Meta:
        abstract = True


class DailySales(SalesMaps):
    """One pizzeria's sales figures for one Paris day, derived from its orders and their lines by
    order.daily_figures (recomputed by the order services in the transaction of every change,
    rebuilt by `manage.py rebuild_daily_figures`); nobody types them. The dashboard adds these
    rows up instead of every order of the period (issue 14)."""

    pizzeria = models.ForeignKey("pizzeria.Pizzeria", on_delete=models.CASCADE, related_name="+", verbose_name=_("pizzeria"))
    day = models.DateField(_("jour"))
    placed = models.PositiveIntegerField(_("commandes passées"), default=0)
    counted = models.PositiveIntegerField(_("commandes comptées"), default=0)
    revenue = models.DecimalField(_("chiffre d'affaires TTC"), max_digits=12, decimal_places=2, default=Decimal("0"))
    cancelled = models.PositiveIntegerField(_("annulées"), default=0)
    refused = models.PositiveIntegerField(_("refusées"), default=0)
    prep_microseconds = models.BigIntegerField(default=0)
    prep_count = models.PositiveIntegerField(default=0)
    delivery_microseconds = models.BigIntegerField(default=0)
    delivery_count = models.PositiveIntegerField(default=0)
    # The breakdowns' maps: SalesMaps.

    class Meta:
        verbose_name = _("ventes du jour")
        verbose_name_plural = _("ventes par jour")
        constraints = [models.UniqueConstraint(fields=["pizzeria", "day"], name="dailysales_one_per_shop_day")]

    def __str__(self):
        return f"{self.pizzeria_id} {self.day}"


class MonthlySales(SalesMaps):
    """One pizzeria's breakdowns for one calendar month: the sums of its DailySales rows' maps,
    kept with them by order.daily_figures (same transaction, under this row's lock). A year on
    the dashboard decodes twelve of these per shop instead of 365 daily rows (issue 14)."""

    pizzeria = models.ForeignKey("pizzeria.Pizzeria", on_delete=models.CASCADE, related_name="+", verbose_name=_("pizzeria"))
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    # The same maps as DailySales (SalesMaps), summed over the month's days.

    class Meta:
        verbose_name = _("ventes du mois")
        verbose_name_plural = _("ventes par mois")
        constraints = [models.UniqueConstraint(fields=["pizzeria", "month"], name="monthlysales_one_per_shop_month")]

    def __str__(self):
        return f"{self.pizzeria_id} {self.month:%Y-%m}"


class DocumentCounter(models.Model):
    """The last number given in one series (invoices or credit notes) of one shop and one year
    (issue 18, F-BOOK-2). order.invoices locks this row (select_for_update) in the transaction
    that writes the document, so numbers follow each other without a gap or a repeat: a rolled
    back transaction gives its number back with it."""

    class Series(models.TextChoices):
        INVOICE = "invoice", _("Factures")
        CREDIT_NOTE = "credit_note", _("Avoirs")

    pizzeria = models.ForeignKey("pizzeria.Pizzeria", on_delete=models.PROTECT, related_name="+", verbose_name=_("pizzeria"))
    series = models.CharField(_("série"), max_length=20, choices=Series.choices)
    year = models.PositiveSmallIntegerField(_("année"))
    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("compteur de numéros")
        verbose_name_plural = _("compteurs de numéros")
        constraints = [models.UniqueConstraint(fields=["pizzeria", "series", "year"], name="documentcounter_one_per_series")]

    def __str__(self):
        return f"{self.pizzeria_id} {self.series} {self.year}: {self.last_number}"


class IssuedDocument(models.Model):
    """What an invoice and a credit note share: a number in its shop's series, the date, the
    buyer and the amounts as they were when it was issued. An issued document never changes
    (the PDF is drawn from these columns, not from the order), and is kept when a customer's
    account is erased: invoices are records the law asks the seller to keep (10 years)."""

    pizzeria = models.ForeignKey("pizzeria.Pizzeria", on_delete=models.PROTECT, related_name="+", verbose_name=_("pizzeria"))
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("rang"))
    number = models.CharField(_("numéro"), max_length=30, unique=True)
    issued_at = models.DateTimeField(_("émise le"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("émise par")
    )
    buyer_name = models.CharField(_("client"), max_length=150, blank=True)
    buyer_business = models.CharField(_("raison sociale du client"), max_length=150, blank=True)
    buyer_vat_number = models.CharField(_("n° de TVA du client"), max_length=20, blank=True)
    buyer_address = models.CharField(_("adresse du client"), max_length=255, blank=True)
    # The seller as printed (legal details of the shop on the day), lines and VAT per rate.
    seller = models.JSONField(_("vendeur"), default=dict)
    lines = models.JSONField(_("lignes"), default=list)
    vat = models.JSONField(_("TVA par taux"), default=dict)
    total_ht = models.DecimalField(_("total HT"), max_digits=9, decimal_places=2)
    total_vat = models.DecimalField(_("total TVA"), max_digits=9, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=9, decimal_places=2)

    class Meta:
        abstract = True
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.number


class Invoice(IssuedDocument):
    """The invoice of an order, asked for by its customer or by staff (one per order)."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("commande"))

    class Meta(IssuedDocument.Meta):
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            models.UniqueConstraint(fields=["pizzeria", "year", "sequence"], name="invoice_gapless_sequence"),
            models.CheckConstraint(condition=Q(sequence__gt=0), name="invoice_sequence_positive"),
        ]


class CreditNote(IssuedDocument):
    """The credit note of one refund of an order (one per refund); amounts are what was refunded."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("commande"))
    refund = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="credit_note", verbose_name=_("remboursement"))
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes", verbose_name=_("facture corrigée")
    )

    class Meta(IssuedDocument.Meta):
        verbose_name = _("avoir")
        verbose_name_plural = _("avoirs")
        constraints = [
            models.UniqueConstraint(fields=["pizzeria", "year", "sequence"], name="creditnote_gapless_sequence"),
            models.CheckConstraint(condition=Q(sequence__gt=0), name="creditnote_sequence_positive"),
        ]
