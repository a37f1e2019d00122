"""Stock counts by spreadsheet (F-ADM-7): one line per pizzeria × ingredient with the counted quantity.

A count is never a silent overwrite: each changed line goes through
pizzeria.services.count_stock, which writes an inventory movement in the ledger. A manager may
count only the stock of their own pizzerias; head office counts any.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field

from account.roles import has_role
from pizzeria.models import Pizzeria, StaffMembership, Stock
from pizzeria.services import count_stock
from product.spreadsheet_cells import natural
from product.spreadsheet_resource import NaturalKeyInstanceLoader, SpreadsheetResource
from product.spreadsheet_widgets import FrenchDecimalWidget, NaturalKeyWidget
from product.models import Ingredient


class StockCountResource(SpreadsheetResource):
    pizzeria = Field(
        attribute="pizzeria",
        column_name="pizzeria",
        widget=NaturalKeyWidget(
            attribute="slug",
            aliases=("name",),
            unknown_message=_("Pizzeria inconnue : « %(value)s » (indiquez son identifiant, par ex. bastille)."),
        ),
    )
    ingredient = Field(
        attribute="ingredient",
        column_name="ingredient",
        widget=NaturalKeyWidget(attribute="name", unknown_message=_("Ingrédient inconnu : « %(value)s »."))
    )
    quantite_comptee = Field(
        attribute="quantity",
        column_name="quantite_comptee",
        widget=FrenchDecimalWidget(max_digits=12, decimal_places=3, required=True),
    )
    unite = Field(attribute="ingredient__unit__symbol", column_name="unite", readonly=True)

    required_columns = ("pizzeria", "ingredient", "quantite_comptee")
    template_name = "inventaire"  # fixtures/templates/inventaire.csv|xlsx, and the export file name
    key_columns = ("pizzeria", "ingredient")

    class Meta:
        model = Stock
        fields = ("pizzeria", "ingredient", "quantite_comptee", "unite")
        import_id_fields = ("pizzeria", "ingredient")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Inventaire (stock compté)")

    def get_queryset(self):
        return Stock.objects.select_related("pizzeria", "ingredient__unit").order_by("pizzeria__slug", "ingredient__name")

    def prepare_caches(self, dataset):
        self.fields["pizzeria"].widget.load(Pizzeria.objects.all())
        self.fields["ingredient"].widget.load(Ingredient.objects.select_related("unit"))

    def load_existing(self, dataset):
        stocks = Stock.objects.select_related("pizzeria", "ingredient__unit")
        existing = {}
        for stock in stocks:
            # Either way of naming the shop finds the line.
            for shop_key in (natural(stock.pizzeria.slug), natural(stock.pizzeria.name)):
                existing[(shop_key, natural(stock.ingredient.name))] = stock
        return existing

    def instance_key(self, row):
        key = (natural(row.get("pizzeria") or ""), natural(row.get("ingredient") or ""))
        return key if all(key) else None

    def _duplicate_of(self, row, line):
        # "bastille" and "OC Pizza Bastille" are the same shop: compare the resolved shop.
        shop = self.fields["pizzeria"].widget.cache.get(natural(row.get("pizzeria") or ""))
        if shop is not None:
            row = dict(row, pizzeria=shop.slug)
        return super()._duplicate_of(row, line)

    def validate_row(self, instance, row, **kwargs):
        if instance.quantity is None:
            raise ValidationError({"quantite_comptee": _("Indiquez la quantité comptée.")})
        if self.user is None or not has_role(self.user, instance.pizzeria, StaffMembership.Role.MANAGER):
            raise ValidationError(
                {"pizzeria": _("Vous ne pouvez pas importer le stock de « %(shop)s » : ce n'est pas une de vos pizzerias.")
                 % {"shop": instance.pizzeria.name}}
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        # The preview only tells what would change; the confirmed import writes through the ledger.
        if kwargs.get("dry_run"):
            return
        count_stock(
            pizzeria=instance.pizzeria,
            ingredient=instance.ingredient,
            counted=instance.quantity,
            by=self.user,
            note=_("Import de fichier %(file)s") % {"file": (kwargs.get("file_name") or "")[:200]},
        )
