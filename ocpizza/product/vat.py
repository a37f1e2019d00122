"""The VAT categories of what the pizzeria sells (issue 18, F-BOOK-1).

A product (and an extra where it differs) says WHICH category it falls in; the rate of each
category on a given day is data, kept with its validity dates in books.VatRate (the law changes
rates, not categories). Defined here, in the menu's layer, so that the menu can name them
without depending on the books.

The French rules behind the three categories (Code général des impôts, art. 278-0 bis, 279 and
278): food and non-alcoholic drinks served or sold for immediate consumption (on the spot,
take-away or delivered hot: a pizza) are at the intermediate rate; food sold for later
consumption (packaged, to keep: a tub of ice cream, a sealed can of soda sold as groceries) at the
reduced rate; alcoholic drinks always at the standard rate.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class VatCategory(models.TextChoices):
    IMMEDIATE = "immediate", _("Restauration (consommation immédiate)")
    DEFERRED = "deferred", _("Alimentation à consommer plus tard")
    ALCOHOL = "alcohol", _("Boissons alcoolisées")
