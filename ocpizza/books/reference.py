"""The French VAT rates the books start with (issue 18): written by the data migration
0002_i18_french_vat_rates and again after a `flush` empties the table (books.apps: the test
suite's transactional tests flush every table; a database is never without its rates).

Since 1 January 2014 (loi n° 2012-1510 de finances rectificative pour 2012, art. 68):
- 10 % food and non-alcoholic drinks for immediate consumption (CGI art. 279 a bis/m): pizzas
  eaten on the spot, taken away hot or delivered, soft drinks served with them;
- 5,5 % food for later consumption (CGI art. 278-0 bis A): what is sold packaged to be kept;
- 20 % alcoholic drinks (CGI art. 278), wherever they are drunk.
"""
import datetime
from decimal import Decimal

FRENCH_RATES = (
    ("immediate", Decimal("10.00"), "CGI art. 279 m (restauration, vente à consommer sur place ou à emporter)"),
    ("deferred", Decimal("5.50"), "CGI art. 278-0 bis A (produits alimentaires à consommer plus tard)"),
    ("alcohol", Decimal("20.00"), "CGI art. 278 (boissons alcoolisées)"),
)
SINCE = datetime.date(2014, 1, 1)


def seed_french_rates(VatRate, HistoricalVatRate, *, only_if_empty=True):
    """Create the French rates (valid from SINCE, until further notice) and their first history
    rows, with the given model classes (the migration's historical ones or books.models'); nothing
    if the table has rows."""
    if only_if_empty and VatRate.objects.exists():
        return 0
    for category, rate, note in FRENCH_RATES:
        row = VatRate(category=category, rate=rate, valid_from=SINCE, valid_until=None, note=note)
        # books.models' VatRate records its own history on save (simple-history's signal; the
        # migration's historical model does not): the row below is the only one either way.
        row.skip_history_when_saving = True
        row.save()
        HistoricalVatRate.objects.create(
            id=row.pk, category=category, rate=rate, valid_from=SINCE, valid_until=None, note=note,
            created_at=row.created_at, updated_at=row.updated_at, history_date=row.created_at, history_type="+",
            history_change_reason="Taux de référence (books.reference)",
        )
    return len(FRENCH_RATES)
