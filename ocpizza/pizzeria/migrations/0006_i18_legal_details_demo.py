"""Legal details of the demo shops (issue 18): one company, OC Pizza SAS, each shop one of its
establishments (same SIREN, its own SIRET). Only shops that still have none are filled in, so a
production database whose head office typed its own details keeps them."""
from django.db import migrations

COMPANY = {
    "legal_name": "OC Pizza SAS",
    "legal_form": "SAS au capital de 50 000 €",
    "vat_number": "FR65912345675",
    "registered_address": "8 boulevard Beaumarchais, 75011 Paris",
    "registry": "RCS Paris 912 345 675",
}
SHOPS = {
    "bastille": ("91234567500108", "BAST"),
    "montmartre": ("91234567500207", "MONT"),
    "montparnasse": ("91234567500306", "MTPA"),
    "boulogne": ("91234567500405", "BOUL"),
    "vincennes": ("91234567500504", "VINC"),
    "levallois": ("91234567500603", "LEVA"),
    "saint-denis": ("91234567500702", "STDE"),
    "versailles": ("91234567500801", "VERS"),
}


def fill(apps, schema_editor):
    Pizzeria = apps.get_model("pizzeria", "Pizzeria")
    for slug, (siret, prefix) in SHOPS.items():
        Pizzeria.objects.filter(slug=slug, siret="").update(siret=siret, invoice_prefix=prefix, **COMPANY)


class Migration(migrations.Migration):
    dependencies = [("pizzeria", "0005_i18_legal_details")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
