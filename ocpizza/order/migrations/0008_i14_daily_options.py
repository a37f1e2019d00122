from django.db import migrations, models


def build(apps, schema_editor):
    """The new maps of the existing history (order.daily_figures.rebuild, on this state's models)."""
    from order import daily_figures

    daily_figures.rebuild(models=tuple(apps.get_model("order", name) for name in ("DailySales", "Order", "OrderLine", "OrderLineNeed")))


class Migration(migrations.Migration):
    dependencies = [("order", "0007_i18_invoices")]

    operations = [
        migrations.AddField(model_name="dailysales", name="sizes", field=models.JSONField(default=dict)),
        migrations.AddField(model_name="dailysales", name="extras", field=models.JSONField(default=dict)),
        migrations.AddField(model_name="dailysales", name="needs", field=models.JSONField(default=dict)),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
