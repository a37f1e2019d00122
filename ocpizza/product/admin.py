from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from account.roles import is_head_office, pizzerias_with_perm
from ocpizza.admin_base import BusinessAdmin, FrenchDecimalsMixin, HeadOfficeWriteMixin
from product.admin_forms import ProductForm
from product.import_admin import SpreadsheetAdminMixin
from product.models import Ingredient, Product, RecipeLine, Reminder, Unit
from product.resources import IngredientResource, ProductResource, RecipeLineResource, UnitResource


@admin.register(Unit)
class UnitAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [UnitResource]
    list_display = ["name", "symbol"]
    search_fields = ["name", "symbol"]


@admin.register(Ingredient)
class IngredientAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [IngredientResource]
    list_display = ["name", "unit", "low_stock_threshold"]
    list_filter = ["unit"]
    search_fields = ["name"]
    list_select_related = ["unit"]


class RecipeLineInline(FrenchDecimalsMixin, TabularInline):
    model = RecipeLine
    extra = 0
    autocomplete_fields = ["ingredient"]
    fields = ["ingredient", "quantity"]


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
    inlines = [RecipeLineInline, ReminderInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description", "image", "is_active"]}),
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
