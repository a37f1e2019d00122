"""The books' reference data (issue 18, F-BOOK-1): the VAT rates, dated.

A rate is data with its validity period, never a constant: when the law changes a rate, head
office closes the old period (valid_until) and adds the new one; orders placed before keep the
rate of their day (order lines store it when the order is placed).
"""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ocpizza.models import TimeStampedModel
from product.vat import VatCategory


class VatRate(TimeStampedModel):
    """The rate of one VAT category from `valid_from` (included) to `valid_until` (excluded; empty:
    until further notice). Periods of one category never overlap (books.services checks it)."""

    category = models.CharField(_("catégorie de TVA"), max_length=20, choices=VatCategory.choices)
    rate = models.DecimalField(_("taux (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("en vigueur du"))
    valid_until = models.DateField(
        _("jusqu'au (exclu)"), null=True, blank=True, help_text=_("Vide : jusqu'à nouvel ordre.")
    )
    note = models.CharField(_("référence"), max_length=200, blank=True, help_text=_("Texte de loi, remarque."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taux de TVA")
        verbose_name_plural = _("taux de TVA")
        ordering = ["category", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=VatCategory.values), name="vatrate_category_known"),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=100), name="vatrate_rate_0_100"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="vatrate_period_not_empty",
            ),
            models.UniqueConstraint(fields=["category", "valid_from"], name="vatrate_one_start_per_category"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} : {self.rate} %"

    def clean(self):
        from books.services import check_vat_rate

        check_vat_rate(self)



GENESIS_HASH = "0" * 64


class JournalHead(models.Model):
    """The end of one shop's chains: the last journal entry's and the last closing's sequence and
    hash. books.journal locks this row (select_for_update) for every append, so that two sales
    at the same instant never take the same sequence or chain to the same previous entry."""

    shop = models.OneToOneField(
        "pizzeria.Pizzeria", on_delete=models.PROTECT, primary_key=True, related_name="+", verbose_name=_("pizzeria")
    )
    entry_sequence = models.PositiveBigIntegerField(_("dernière écriture"), default=0)
    entry_hash = models.CharField(_("empreinte de la dernière écriture"), max_length=64, default=GENESIS_HASH)
    closing_sequence = models.PositiveBigIntegerField(_("dernière clôture"), default=0)
    closing_hash = models.CharField(_("empreinte de la dernière clôture"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("tête de chaîne")
        verbose_name_plural = _("têtes de chaîne")


class JournalEntry(models.Model):
    """One line of a shop's inalterable sales journal (issue 18, F-BOOK-3): a sale, a change, a
    cancellation (the revenue, per VAT rate) or a payment, a collection, a refund (the money, per
    method). Written only by books.journal.append_entry; never updated nor deleted (the code
    never does, and database triggers refuse it: books/migrations/0004_i18_journal_triggers).

    `hash` is the SHA-256 of the entry's canonical serialization, which includes `previous_hash`,
    the hash of the shop's previous entry: changing or removing any entry breaks the chain from
    there on (books.verification). No personal data: the order's number and amounts only, so the
    journal stays whole when a customer's data is erased."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Vente")
        CHANGE = "change", _("Modification")
        CANCELLATION = "cancellation", _("Annulation")
        PAYMENT = "payment", _("Paiement")
        COLLECTION = "collection", _("Encaissement")
        REFUND = "refund", _("Remboursement")

    # No foreign key constraint in the database (the ORM still protects the shop): inserting an
    # entry must not take a lock on the shop's row, which a shop's first append locks to create
    # its chain head (books.journal.lock_head; MariaDB deadlocked on it under concurrent sales).
    shop = models.ForeignKey("pizzeria.Pizzeria", on_delete=models.PROTECT, related_name="+", verbose_name=_("pizzeria"),
                             db_constraint=False)
    sequence = models.PositiveBigIntegerField(_("n° d'ordre"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    order_number = models.CharField(_("commande"), max_length=20, db_index=True)
    # What makes the entry (an order's sales "sale:<number>:<n>", a payment row "payment:<id>"):
    # unique per shop, so that one event is never written twice.
    source = models.CharField(_("origine"), max_length=60)
    payment_method = models.CharField(_("moyen de paiement"), max_length=20)
    amount_ttc = models.DecimalField(_("montant TTC"), max_digits=12, decimal_places=2)
    amount_ht = models.DecimalField(_("montant HT"), max_digits=12, decimal_places=2)
    amount_tva = models.DecimalField(_("TVA"), max_digits=12, decimal_places=2)
    vat = models.JSONField(_("TVA par taux"), default=dict)  # books.vat.VatBreakdown.as_data()
    occurred_at = models.DateTimeField(_("horodatage"))
    service_day = models.DateField(_("journée"))
    previous_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("écriture du journal")
        verbose_name_plural = _("journal des ventes")
        ordering = ["shop", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sequence"], name="journalentry_one_per_sequence"),
            models.UniqueConstraint(fields=["shop", "source"], name="journalentry_one_per_source"),
            models.CheckConstraint(condition=Q(sequence__gt=0), name="journalentry_sequence_positive"),
            models.CheckConstraint(condition=Q(kind__in=["sale", "change", "cancellation", "payment", "collection", "refund"]),
                                   name="journalentry_kind_known"),
        ]
        indexes = [models.Index(fields=["shop", "service_day"], name="journalentry_shop_day")]

    def __str__(self):
        return f"{self.shop_id}-{self.sequence} {self.get_kind_display()} {self.order_number}"


class Closing(models.Model):
    """A shop's closing of a service day ("Z"), a month or a year (issue 18, F-BOOK-3): the totals
    of its journal entries, chained like them (books.closings writes them, never twice for the
    same period; triggers refuse any UPDATE or DELETE)."""

    class Kind(models.TextChoices):
        DAY = "day", _("Journalière (Z)")
        MONTH = "month", _("Mensuelle")
        YEAR = "year", _("Annuelle")

    shop = models.ForeignKey("pizzeria.Pizzeria", on_delete=models.PROTECT, related_name="+", verbose_name=_("pizzeria"),
                             db_constraint=False)  # as JournalEntry.shop
    sequence = models.PositiveBigIntegerField(_("n° d'ordre"))
    kind = models.CharField(_("clôture"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au (inclus)"))
    entries_count = models.PositiveIntegerField(_("écritures"))
    first_entry = models.PositiveBigIntegerField(_("première écriture"), null=True, blank=True)
    last_entry = models.PositiveBigIntegerField(_("dernière écriture"), null=True, blank=True)
    # Revenue (sales, changes, cancellations) per VAT rate {rate: {ht, tva, ttc}}, money per
    # payment method {method: ttc}, entries per kind {kind: count}.
    sales = models.JSONField(_("ventes par taux"), default=dict)
    payments = models.JSONField(_("règlements par moyen"), default=dict)
    counts = models.JSONField(_("écritures par nature"), default=dict)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=14, decimal_places=2)
    total_ht = models.DecimalField(_("total HT"), max_digits=14, decimal_places=2)
    total_tva = models.DecimalField(_("total TVA"), max_digits=14, decimal_places=2)
    grand_total = models.DecimalField(_("grand total perpétuel TTC"), max_digits=16, decimal_places=2)
    closed_at = models.DateTimeField(_("clôturée le"))
    previous_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("clôture")
        verbose_name_plural = _("clôtures")
        ordering = ["shop", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sequence"], name="closing_one_per_sequence"),
            models.UniqueConstraint(fields=["shop", "kind", "period_start"], name="closing_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="closing_period_ordered"),
            models.CheckConstraint(condition=Q(kind__in=["day", "month", "year"]), name="closing_kind_known"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.shop_id} {self.period_start}"
