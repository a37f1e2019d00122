import django.db.models.deletion
from decimal import Decimal

from django.db import migrations, models


def build(apps, schema_editor):
    """The rows of the existing history (order.daily_figures.rebuild, on the models of this
    migration's state)."""
    from order import daily_figures

    daily_figures.rebuild(models=(apps.get_model("order", "DailySales"), apps.get_model("order", "Order"),
                                  apps.get_model("order", "OrderLine")))


class Migration(migrations.Migration):

    dependencies = [
        ("order", "0003_i17_service"),
        ("pizzeria", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailySales",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="jour")),
                ("placed", models.PositiveIntegerField(default=0, verbose_name="commandes passées")),
                ("counted", models.PositiveIntegerField(default=0, verbose_name="commandes comptées")),
                ("revenue", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="chiffre d'affaires TTC")),
                ("cancelled", models.PositiveIntegerField(default=0, verbose_name="annulées")),
                ("refused", models.PositiveIntegerField(default=0, verbose_name="refusées")),
                ("prep_microseconds", models.BigIntegerField(default=0)),
                ("prep_count", models.PositiveIntegerField(default=0)),
                ("delivery_microseconds", models.BigIntegerField(default=0)),
                ("delivery_count", models.PositiveIntegerField(default=0)),
                ("hours", models.JSONField(default=dict)),
                ("mixes", models.JSONField(default=dict)),
                ("products", models.JSONField(default=dict)),
                ("pizzeria", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="pizzeria.pizzeria", verbose_name="pizzeria")),
            ],
            options={"verbose_name": "ventes du jour", "verbose_name_plural": "ventes par jour"},
        ),
        migrations.AddConstraint(
            model_name="dailysales",
            constraint=models.UniqueConstraint(fields=("pizzeria", "day"), name="dailysales_one_per_shop_day"),
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
