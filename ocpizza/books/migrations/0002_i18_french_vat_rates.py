from django.db import migrations


def french_rates(apps, schema_editor):
    from books.reference import seed_french_rates

    seed_french_rates(apps.get_model("books", "VatRate"), apps.get_model("books", "HistoricalVatRate"))


class Migration(migrations.Migration):
    """The French VAT rates in force since 1 January 2014 (books.reference)."""

    dependencies = [("books", "0001_i18_vat_rates")]

    operations = [migrations.RunPython(french_rates, migrations.RunPython.noop)]
