from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from pizzeria.admin_mixins import BusinessAdmin, HeadOfficeWriteMixin
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


class RecipeLineInline(TabularInline):
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
    resource_classes = [ProductResource]
    list_display = ["name", "category", "price", "discount_price", "is_active"]
    list_filter = ["category", "is_active"]
    list_editable = []
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RecipeLineInline, ReminderInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description", "image", "is_active"]}),
        (_("Prix"), {"fields": ["price", "discount_price"]}),
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
