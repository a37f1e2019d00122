"""Spreadsheet imports/exports of the menu (F-ADM-7): units, ingredients, products, recipes.

Columns are the French headers of fixtures/templates/*.csv, explained in docs/imports.md.
Lines match existing rows by natural keys only (symbol, name, slug), never by database id.
"""
from collections import defaultdict
from copy import deepcopy

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from product.spreadsheet_cells import natural
from product.spreadsheet_resource import NaturalKeyInstanceLoader, SpreadsheetResource
from product.spreadsheet_widgets import (
    ChoiceWidget,
    FrenchBooleanWidget,
    FrenchDecimalWidget,
    NaturalKeyWidget,
    TextWidget,
)
from product.allergens import Allergen
from product.models import Extra, ExtraPrice, Ingredient, Product, ProductSize, RecipeLine, Size, Unit


class AllergensWidget(TextWidget):
    """The EU allergens of an ingredient (product.allergens), by French name or code, separated
    by commas: "Lait, Céréales contenant du gluten". Exported as names, in the regulation's order."""

    NAMES = {**{natural(str(label)): code for code, label in Allergen.choices}, **{natural(code): code for code in Allergen.values}}

    def __init__(self):
        super().__init__(max_length=500)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs) or ""
        codes, unknown = [], []
        for part in (p.strip() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            code = self.NAMES.get(natural(part))
            (codes if code else unknown).append(code or part)
        if unknown:
            raise ValueError(
                _("Allergène inconnu : %(names)s (les 14 de la réglementation européenne, par ex. « Lait », « Céréales contenant du gluten »).")
                % {"names": ", ".join(f"« {u[:40]} »" for u in unknown)}
            )
        return [code for code in Allergen.values if code in set(codes)]

    def render(self, value, obj=None, **kwargs):
        labels = dict(Allergen.choices)
        return ", ".join(str(labels[code]) for code in Allergen.values if code in set(value or ()))


def _by_natural_key(queryset, attribute):
    return {natural(getattr(obj, attribute)): obj for obj in queryset}


class UnitResource(SpreadsheetResource):
    symbole = Field(attribute="symbol", column_name="symbole", widget=TextWidget(max_length=10, required=True))
    nom = Field(attribute="name", column_name="nom", widget=TextWidget(max_length=50, required=True))

    required_columns = ("symbole", "nom")
    template_name = "unites"  # fixtures/templates/unites.csv|xlsx, and the export file name
    key_columns = ("symbole",)

    class Meta:
        model = Unit
        fields = ("symbole", "nom")
        import_id_fields = ("symbole",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Unités")

    def load_existing(self, dataset):
        return _by_natural_key(Unit.objects.all(), "symbol")

    def instance_key(self, row):
        return natural(row.get("symbole") or "") or None

    def validate_row(self, instance, row, **kwargs):
        clash = Unit.objects.filter(name__iexact=instance.name).exclude(pk=instance.pk).first()
        if clash is not None:
            raise ValidationError({"nom": _("Le nom « %(name)s » est déjà celui de l'unité %(symbol)s.") % {"name": instance.name, "symbol": clash.symbol}})


class IngredientResource(SpreadsheetResource):
    nom = Field(attribute="name", column_name="nom", widget=TextWidget(max_length=100, required=True))
    unite = Field(
        attribute="unit",
        column_name="unite",
        widget=NaturalKeyWidget(attribute="symbol", unknown_message=_("Unité inconnue : « %(value)s » (indiquez son symbole, par ex. g, ml, pc).")),
    )
    seuil_stock_bas = Field(
        attribute="low_stock_threshold",
        column_name="seuil_stock_bas",
        widget=FrenchDecimalWidget(max_digits=12, decimal_places=3),
    )

    # Issue 16: "allergenes_renseignes" = non (or empty on a new line) says nobody has checked;
    # "oui" with an empty "allergenes" says the ingredient has none of the 14.
    allergenes = Field(attribute="allergens", column_name="allergenes", widget=AllergensWidget())
    allergenes_renseignes = Field(attribute="allergens_known", column_name="allergenes_renseignes", widget=FrenchBooleanWidget())

    required_columns = ("nom", "unite")
    template_name = "ingredients"  # fixtures/templates/ingredients.csv|xlsx, and the export file name
    key_columns = ("nom",)

    def validate_row(self, instance, row, **kwargs):
        if instance.allergens and not instance.allergens_known:
            raise ValidationError(
                {"allergenes_renseignes": _("Des allergènes sont indiqués : écrivez « oui » dans allergenes_renseignes.")}
            )

    class Meta:
        model = Ingredient
        fields = ("nom", "unite", "seuil_stock_bas", "allergenes", "allergenes_renseignes")
        import_id_fields = ("nom",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Ingrédients")

    def prepare_caches(self, dataset):
        self.fields["unite"].widget.load(Unit.objects.all())

    def load_existing(self, dataset):
        return _by_natural_key(Ingredient.objects.select_related("unit"), "name")

    def instance_key(self, row):
        return natural(row.get("nom") or "") or None

    def get_queryset(self):
        return Ingredient.objects.select_related("unit")


class ProductResource(SpreadsheetResource):
    identifiant = Field(attribute="slug", column_name="identifiant", widget=TextWidget(max_length=100, required=True))
    nom = Field(attribute="name", column_name="nom", widget=TextWidget(max_length=100, required=True))
    categorie = Field(attribute="category", column_name="categorie", widget=ChoiceWidget(Product.Category))
    description = Field(attribute="description", column_name="description", widget=TextWidget())
    prix = Field(attribute="price", column_name="prix", widget=FrenchDecimalWidget(max_digits=7, decimal_places=2, required=True))
    prix_remise = Field(
        attribute="discount_price", column_name="prix_remise", widget=FrenchDecimalWidget(max_digits=7, decimal_places=2)
    )
    a_la_carte = Field(attribute="is_active", column_name="a_la_carte", widget=FrenchBooleanWidget())
    moitie_moitie = Field(attribute="allows_halves", column_name="moitie_moitie", widget=FrenchBooleanWidget())

    required_columns = ("identifiant", "nom", "prix")
    template_name = "produits"  # fixtures/templates/produits.csv|xlsx, and the export file name
    key_columns = ("identifiant",)

    class Meta:
        model = Product
        fields = ("identifiant", "nom", "categorie", "description", "prix", "prix_remise", "a_la_carte", "moitie_moitie")
        import_id_fields = ("identifiant",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Produits (carte)")

    def load_existing(self, dataset):
        return _by_natural_key(Product.objects.all(), "slug")

    def instance_key(self, row):
        return natural(row.get("identifiant") or "") or None

    def validate_row(self, instance, row, **kwargs):
        errors = {}
        try:
            validate_slug(instance.slug)
        except ValidationError:
            errors["identifiant"] = _(
                "« %(slug)s » n'est pas un identifiant valide : lettres sans accent, chiffres, tirets."
            ) % {"slug": instance.slug}
        if instance.price is None:
            errors["prix"] = _("Le prix est obligatoire.")
        elif instance.discount_price is not None and instance.discount_price >= instance.price:
            errors["prix_remise"] = _("Le prix remisé (%(discount)s) doit être inférieur au prix (%(price)s).") % {
                "discount": instance.discount_price,
                "price": instance.price,
            }
        if errors:
            raise ValidationError(errors)


class RecipeLineResource(SpreadsheetResource):
    """One line per product × ingredient. A product present in the file gets exactly the recipe
    of the file: its other lines are deleted (and shown as deletions in the preview).

    Written in bulk (with their history rows) so that a 10 000-line file costs a handful of
    queries, not a few per line.
    """

    produit = Field(
        attribute="product",
        column_name="produit",
        widget=NaturalKeyWidget(attribute="slug", unknown_message=_("Produit inconnu : « %(value)s » (indiquez son identifiant).")),
    )
    ingredient = Field(
        attribute="ingredient",
        column_name="ingredient",
        widget=NaturalKeyWidget(attribute="name", unknown_message=_("Ingrédient inconnu : « %(value)s ».")),
    )
    quantite = Field(
        attribute="quantity",
        column_name="quantite",
        widget=FrenchDecimalWidget(max_digits=10, decimal_places=3, strictly_positive=True, required=True),
    )
    unite = Field(attribute="ingredient__unit__symbol", column_name="unite", readonly=True)
    retirable = Field(attribute="removable", column_name="retirable", widget=FrenchBooleanWidget())

    required_columns = ("produit", "ingredient", "quantite")
    template_name = "recettes"  # fixtures/templates/recettes.csv|xlsx, and the export file name
    key_columns = ("produit", "ingredient")

    class Meta:
        model = RecipeLine
        fields = ("produit", "ingredient", "quantite", "unite", "retirable")
        import_id_fields = ("produit", "ingredient")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        store_instance = True  # the kept (product, ingredient) pairs are read from the row results
        use_bulk = True
        batch_size = 1000

    @classmethod
    def get_display_name(cls):
        return _("Recettes")

    def get_queryset(self):
        return RecipeLine.objects.select_related("product", "ingredient__unit").order_by("product__slug", "ingredient__name")

    def prepare_caches(self, dataset):
        slugs = {natural(value) for value in dataset["produit"] if value}
        products = [p for p in Product.objects.all() if natural(p.slug) in slugs]
        self.fields["produit"].widget.load(products)
        self.fields["ingredient"].widget.load(Ingredient.objects.select_related("unit"))
        self._products_in_file = products

    def load_existing(self, dataset):
        lines = RecipeLine.objects.filter(product__in=self._products_in_file).select_related("product", "ingredient__unit")
        self._old_lines = {(line.product_id, line.ingredient_id): line for line in lines}
        return {(natural(line.product.slug), natural(line.ingredient.name)): line for line in lines}

    def instance_key(self, row):
        key = (natural(row.get("produit") or ""), natural(row.get("ingredient") or ""))
        return key if all(key) else None

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        instance = row_result.instance
        if instance is not None and row_result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP):
            self._kept.add((instance.product_id, instance.ingredient_id))

    def before_import(self, dataset, **kwargs):
        self._kept = set()
        super().before_import(dataset, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            # Nothing will be kept: writing the valid lines could only add a database error
            # that would hide the lines' own errors.
            self.create_instances.clear()
            return
        if self.create_instances:
            try:
                bulk_create_with_history(self.create_instances, RecipeLine, batch_size=batch_size, default_user=self.user)
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            self.update_instances.clear()
            return
        if self.update_instances:
            try:
                bulk_update_with_history(
                    self.update_instances, RecipeLine, ["quantity", "removable", "updated_at"], batch_size=batch_size, default_user=self.user
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_update bypasses auto_now: keep updated_at true.
        instance.updated_at = timezone.now()

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors():
            return
        # Replace, not merge: lines of the file's products that the file no longer lists go.
        stale = [line for pair, line in self._old_lines.items() if pair not in self._kept]
        for line in stale:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_DELETE
            row_result.add_instance_info(line)
            row_result.instance = deepcopy(line)
            if self._show_diff:
                diff = self.get_diff_class()(self, line, False)
                diff.compare_with(self, None)
                row_result.diff = diff.as_html()
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        if stale:
            # One by one through the ORM so that simple-history records each deletion and its user.
            deleted_ids = [line.pk for line in stale]
            for line in RecipeLine.objects.filter(pk__in=deleted_ids).select_related("product", "ingredient"):
                if self.user is not None:
                    line._history_user = self.user
                line.delete()



# --- the menu's options (issue 16) ------------------------------------------------------------


class SizeResource(SpreadsheetResource):
    code = Field(attribute="code", column_name="code", widget=TextWidget(max_length=30, required=True))
    nom = Field(attribute="name", column_name="nom", widget=TextWidget(max_length=50, required=True))
    coefficient = Field(
        attribute="factor", column_name="coefficient",
        widget=FrenchDecimalWidget(max_digits=5, decimal_places=3, strictly_positive=True, required=True),
    )
    ordre = Field(attribute="position", column_name="ordre", widget=FrenchDecimalWidget(max_digits=5, decimal_places=0))

    required_columns = ("code", "nom", "coefficient")
    template_name = "tailles"
    key_columns = ("code",)

    class Meta:
        model = Size
        fields = ("code", "nom", "coefficient", "ordre")
        import_id_fields = ("code",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Tailles")

    def load_existing(self, dataset):
        return _by_natural_key(Size.objects.all(), "code")

    def instance_key(self, row):
        return natural(row.get("code") or "") or None

    def validate_row(self, instance, row, **kwargs):
        errors = {}
        try:
            validate_slug(instance.code)
        except ValidationError:
            errors["code"] = _("« %(code)s » n'est pas un code valide : lettres sans accent, chiffres, tirets.") % {"code": instance.code}
        if instance.position is not None:
            instance.position = int(instance.position)
        clash = Size.objects.filter(name__iexact=instance.name).exclude(pk=instance.pk).first()
        if clash is not None:
            errors["nom"] = _("Le nom « %(name)s » est déjà celui de la taille %(code)s.") % {"name": instance.name, "code": clash.code}
        if errors:
            raise ValidationError(errors)


class ProductSizeResource(SpreadsheetResource):
    """One line per product × size: the product is sold in that size at that price."""

    produit = Field(
        attribute="product", column_name="produit",
        widget=NaturalKeyWidget(attribute="slug", unknown_message=_("Produit inconnu : « %(value)s » (indiquez son identifiant).")),
    )
    taille = Field(
        attribute="size", column_name="taille",
        widget=NaturalKeyWidget(attribute="code", unknown_message=_("Taille inconnue : « %(value)s » (indiquez son code, par ex. grande).")),
    )
    prix = Field(attribute="price", column_name="prix", widget=FrenchDecimalWidget(max_digits=7, decimal_places=2, required=True))

    required_columns = ("produit", "taille", "prix")
    template_name = "prix_par_taille"
    key_columns = ("produit", "taille")

    class Meta:
        model = ProductSize
        fields = ("produit", "taille", "prix")
        import_id_fields = ("produit", "taille")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Prix par taille")

    def get_queryset(self):
        return ProductSize.objects.select_related("product", "size").order_by("product__slug", "size__position")

    def prepare_caches(self, dataset):
        self.fields["produit"].widget.load(Product.objects.all())
        self.fields["taille"].widget.load(Size.objects.all())

    def load_existing(self, dataset):
        return {(natural(r.product.slug), natural(r.size.code)): r for r in self.get_queryset()}

    def instance_key(self, row):
        key = (natural(row.get("produit") or ""), natural(row.get("taille") or ""))
        return key if all(key) else None


class ExtraResource(SpreadsheetResource):
    nom = Field(attribute="name", column_name="nom", widget=TextWidget(max_length=100, required=True))
    ingredient = Field(
        attribute="ingredient", column_name="ingredient",
        widget=NaturalKeyWidget(attribute="name", unknown_message=_("Ingrédient inconnu : « %(value)s ».")),
    )
    quantite = Field(
        attribute="quantity", column_name="quantite",
        widget=FrenchDecimalWidget(max_digits=10, decimal_places=3, strictly_positive=True, required=True),
    )
    propose = Field(attribute="is_active", column_name="propose", widget=FrenchBooleanWidget())

    required_columns = ("nom", "ingredient", "quantite")
    template_name = "supplements"
    key_columns = ("nom",)

    class Meta:
        model = Extra
        fields = ("nom", "ingredient", "quantite", "propose")
        import_id_fields = ("nom",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Suppléments")

    def get_queryset(self):
        return Extra.objects.select_related("ingredient")

    def prepare_caches(self, dataset):
        self.fields["ingredient"].widget.load(Ingredient.objects.all())

    def load_existing(self, dataset):
        return _by_natural_key(self.get_queryset(), "name")

    def instance_key(self, row):
        return natural(row.get("nom") or "") or None


class ExtraPriceResource(SpreadsheetResource):
    """One line per extra × size: the extra is offered in that size at that price."""

    supplement = Field(
        attribute="extra", column_name="supplement",
        widget=NaturalKeyWidget(attribute="name", unknown_message=_("Supplément inconnu : « %(value)s » (importez d'abord les suppléments).")),
    )
    taille = Field(
        attribute="size", column_name="taille",
        widget=NaturalKeyWidget(attribute="code", unknown_message=_("Taille inconnue : « %(value)s » (indiquez son code, par ex. grande).")),
    )
    prix = Field(attribute="price", column_name="prix", widget=FrenchDecimalWidget(max_digits=7, decimal_places=2, required=True))

    required_columns = ("supplement", "taille", "prix")
    template_name = "prix_supplements"
    key_columns = ("supplement", "taille")

    class Meta:
        model = ExtraPrice
        fields = ("supplement", "taille", "prix")
        import_id_fields = ("supplement", "taille")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Prix des suppléments")

    def get_queryset(self):
        return ExtraPrice.objects.select_related("extra", "size").order_by("extra__name", "size__position")

    def prepare_caches(self, dataset):
        self.fields["supplement"].widget.load(Extra.objects.all())
        self.fields["taille"].widget.load(Size.objects.all())

    def load_existing(self, dataset):
        return {(natural(r.extra.name), natural(r.size.code)): r for r in self.get_queryset()}

    def instance_key(self, row):
        key = (natural(row.get("supplement") or ""), natural(row.get("taille") or ""))
        return key if all(key) else None
