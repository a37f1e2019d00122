from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from account.roles import is_head_office, pizzerias_with_perm
from ocpizza.admin_base import BusinessAdmin, FrenchDecimalsMixin, HeadOfficeWriteMixin
from product.admin_forms import ProductForm
from product.import_admin import SpreadsheetAdminMixin
from product.allergens import Allergen
from product.models import Extra, ExtraPrice, Ingredient, Product, ProductSize, RecipeLine, Reminder, Size, Unit
from product.resources import (
    ExtraPriceResource,
    ExtraResource,
    IngredientResource,
    ProductResource,
    ProductSizeResource,
    RecipeLineResource,
    SizeResource,
    UnitResource,
)


@admin.register(Unit)
class UnitAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [UnitResource]
    list_display = ["name", "symbol"]
    search_fields = ["name", "symbol"]


class IngredientForm(forms.ModelForm):
    """The 14 EU allergens as check boxes (product.allergens), stored as their codes."""

    allergens = forms.MultipleChoiceField(
        label=_("Allergènes"), choices=Allergen.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez aussi « allergènes renseignés » : sans elle, l'ingrédient est affiché « non renseigné »."),
    )

    class Meta:
        model = Ingredient
        fields = ["name", "unit", "low_stock_threshold", "allergens", "allergens_known"]


@admin.register(Ingredient)
class IngredientAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [IngredientResource]
    form = IngredientForm
    list_display = ["name", "unit", "low_stock_threshold", "allergens_known"]
    list_filter = ["unit", "allergens_known"]
    search_fields = ["name"]
    list_select_related = ["unit"]


class RecipeLineInline(FrenchDecimalsMixin, TabularInline):
    model = RecipeLine
    extra = 0
    autocomplete_fields = ["ingredient"]
    fields = ["ingredient", "quantity", "removable"]


class ProductSizeInline(TabularInline):
    model = ProductSize
    extra = 0
    fields = ["size", "price"]


class ReminderInline(TabularInline):
    model = Reminder
    extra = 0
    fields = ["title", "content", "author"]
    readonly_fields = ["author"]

    def has_add_permission(self, request, obj=None):
        return False  # written from the reminder page, which records the author


@admin.register(Product)
class ProductAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    form = ProductForm
    resource_classes = [ProductResource]
    list_display = ["name", "category", "price", "discount_price", "is_active"]
    list_filter = ["category", "is_active"]
    list_editable = []
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RecipeLineInline, ProductSizeInline, ReminderInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "vat_category", "description", "image", "is_active", "allows_halves"]}),
        (_("Prix"), {"fields": ["price", "discount_price", "confirm_price"]}),
    ]


@admin.register(RecipeLine)
class RecipeLineAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [RecipeLineResource]
    list_display = ["product", "ingredient", "quantity"]
    list_filter = ["product", "ingredient"]
    search_fields = ["product__name", "ingredient__name"]
    list_select_related = ["product", "ingredient__unit"]
    autocomplete_fields = ["product", "ingredient"]


@admin.register(Reminder)
class ReminderAdmin(BusinessAdmin):
    list_display = ["title", "product", "author", "updated_at"]
    list_filter = ["product"]
    search_fields = ["title", "content", "product__name"]
    list_select_related = ["product", "author"]
    autocomplete_fields = ["product"]
    exclude = ["author"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    # Every kitchen reads every reminder (they sit beside the shared recipes); a reminder is
    # changed or deleted by its author, by a manager of a shop where the author works, or by
    # head office (issue 13 L6).
    def _may_edit(self, request, obj, action):
        user = request.user
        if obj is None or is_head_office(user) or obj.author_id == user.pk:
            return True
        shops = pizzerias_with_perm(user, f"product.{action}_reminder") & pizzerias_with_perm(
            user, "pizzeria.change_staffmembership"
        )
        return obj.author.memberships.filter(pizzeria__in=shops).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj, "delete")


# --- the menu's options (issue 16): head office writes, audited, by form or spreadsheet ----------


@admin.register(Size)
class SizeAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [SizeResource]
    list_display = ["name", "code", "factor", "position"]
    search_fields = ["name", "code"]


@admin.register(ProductSize)
class ProductSizeAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [ProductSizeResource]
    list_display = ["product", "size", "price"]
    list_filter = ["size"]
    search_fields = ["product__name"]
    list_select_related = ["product", "size"]
    autocomplete_fields = ["product"]


class ExtraPriceInline(TabularInline):
    model = ExtraPrice
    extra = 0
    fields = ["size", "price"]


@admin.register(Extra)
class ExtraAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [ExtraResource]
    list_display = ["name", "ingredient", "quantity", "vat_category", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "ingredient__name"]
    list_select_related = ["ingredient"]
    autocomplete_fields = ["ingredient"]
    inlines = [ExtraPriceInline]


@admin.register(ExtraPrice)
class ExtraPriceAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [ExtraPriceResource]
    list_display = ["extra", "size", "price"]
    list_filter = ["size"]
    list_select_related = ["extra", "size"]
