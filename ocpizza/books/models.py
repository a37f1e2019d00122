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

