import django.db.models.deletion
from django.db import migrations, models

NAMES = ("DailySales", "Order", "OrderLine", "OrderLineNeed", "MonthlySales")


def build(apps, schema_editor):
    """The new maps and the monthly rows of the existing history (order.daily_figures.rebuild,
    on this state's models)."""
    from order import daily_figures

    daily_figures.rebuild(models=tuple(apps.get_model("order", name) for name in NAMES))


class Migration(migrations.Migration):
    dependencies = [("order", "0007_i18_invoices"), ("pizzeria", "0001_initial")]

    operations = [
        migrations.AddField(model_name="dailysales", name="sizes", field=models.JSONField(default=dict)),
        migrations.AddField(model_name="dailysales", name="extras", field=models.JSONField(default=dict)),
        migrations.AddField(model_name="dailysales", name="needs", field=models.JSONField(default=dict)),
        migrations.CreateModel(
            name="MonthlySales",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="Le premier jour du mois.", verbose_name="mois")),
                ("hours", models.JSONField(default=dict)),
                ("mixes", models.JSONField(default=dict)),
                ("products", models.JSONField(default=dict)),
                ("sizes", models.JSONField(default=dict)),
                ("extras", models.JSONField(default=dict)),
                ("needs", models.JSONField(default=dict)),
                ("pizzeria", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="pizzeria.pizzeria", verbose_name="pizzeria")),
            ],
            options={
                "verbose_name": "ventes du mois",
                "verbose_name_plural": "ventes par mois",
                "constraints": [models.UniqueConstraint(fields=("pizzeria", "month"), name="monthlysales_one_per_shop_month")],
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
