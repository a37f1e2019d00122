from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ocpizza.models import TimeStampedModel
from product.allergens import CODES as ALLERGEN_CODES
from product.vat import VatCategory


class Unit(TimeStampedModel):
    name = models.CharField(_("nom"), max_length=50, unique=True)
    symbol = models.CharField(_("symbole"), max_length=10, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unité")
        verbose_name_plural = _("unités")
        ordering = ["name"]

    def __str__(self):
        return self.symbol


class Ingredient(TimeStampedModel):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ingredients", verbose_name=_("unité"))
    low_stock_threshold = models.DecimalField(
        _("seuil de stock bas"), max_digits=12, decimal_places=3, default=Decimal("0")
    )
    # EU allergen codes (product.allergens); `allergens_known` False means nobody has checked yet:
    # shown as "non renseigné", never as "no allergen".
    allergens = models.JSONField(_("allergènes"), default=list, blank=True)
    allergens_known = models.BooleanField(_("allergènes renseignés"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ingrédient")
        verbose_name_plural = _("ingrédients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(low_stock_threshold__gte=0), name="ingredient_threshold_not_negative"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        codes = self.allergens
        if not isinstance(codes, list):
            raise ValidationError({"allergens": _("La liste des allergènes est illisible.")})
        unknown = [str(c) for c in codes if c not in ALLERGEN_CODES]
        if unknown:
            raise ValidationError({"allergens": _("Allergène inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}})
        if codes and not self.allergens_known:
            raise ValidationError(
                {"allergens_known": _("Des allergènes sont indiqués : cochez « allergènes renseignés ».")}
            )
        self.allergens = [c for c in ALLERGEN_CODES if c in set(codes)]  # one order, no duplicates


# A price multiplied or divided by more than this in one change is probably a typo (issue 19:
# "10,50" read as 1050): the admin asks for a confirmation.
PRICE_JUMP_FACTOR = 3


def is_price_jump(old, new):
    """True when a price goes from `old` to `new` by more than ×PRICE_JUMP_FACTOR or ÷PRICE_JUMP_FACTOR."""
    if old is None or new is None or old == new:
        return False
    if not old or not new:
        return True
    return new > old * PRICE_JUMP_FACTOR or new * PRICE_JUMP_FACTOR < old


class Product(TimeStampedModel):
    class Category(models.TextChoices):
        PIZZA = "pizza", _("Pizza")
        DRINK = "drink", _("Boisson")
        DESSERT = "dessert", _("Dessert")

    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices, default=Category.PIZZA)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("prix TTC"), max_digits=7, decimal_places=2)
    discount_price = models.DecimalField(
        _("prix remisé TTC"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("à la carte"), default=True)
    allows_halves = models.BooleanField(
        _("moitié-moitié"), default=False, help_text=_("Peut être vendue en demi-pizza, avec une autre qui le permet.")
    )
    image = models.ImageField(_("photo"), upload_to="products/", blank=True)
    # Which VAT rate applies (issue 18): the rate itself is dated data (books.VatRate).
    vat_category = models.CharField(
        _("catégorie de TVA"), max_length=20, choices=VatCategory.choices, default=VatCategory.IMMEDIATE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(discount_price__isnull=True) | Q(discount_price__gte=0, discount_price__lt=F("price")),
                name="product_discount_below_price",
            ),
            models.CheckConstraint(condition=Q(vat_category__in=VatCategory.values), name="product_vat_category_known"),
        ]

    def __str__(self):
        return self.name

    @property
    def selling_price(self):
        """What the customer pays: the discount price when there is one."""
        return self.discount_price if self.discount_price is not None else self.price

    def clean(self):
        errors = {}
        if self.price is not None and self.price < 0:
            errors["price"] = _("Le prix ne peut pas être négatif.")
        if self.discount_price is not None:
            if self.discount_price < 0:
                errors["discount_price"] = _("Le prix remisé ne peut pas être négatif.")
            elif self.price is not None and self.discount_price >= self.price:
                errors["discount_price"] = _("Le prix remisé doit être inférieur au prix.")
        if errors:
            raise ValidationError(errors)


class RecipeLine(TimeStampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="recipe_lines", verbose_name=_("produit"))
    ingredient = models.ForeignKey(
        Ingredient, on_delete=models.PROTECT, related_name="recipe_lines", verbose_name=_("ingrédient")
    )
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=3)
    removable = models.BooleanField(_("retirable"), default=True, help_text=_("Le client peut demander la pizza sans cet ingrédient."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne de recette")
        verbose_name_plural = _("recette")
        ordering = ["product__name", "ingredient__name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "ingredient"], name="recipeline_unique_product_ingredient"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="recipeline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.product} : {self.quantity} {self.ingredient.unit} {self.ingredient}"


class Size(TimeStampedModel):
    """A size pizzas are sold in (e.g. "Grande 40 cm"); its factor multiplies recipes and extras."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=50, unique=True)
    factor = models.DecimalField(_("coefficient de recette"), max_digits=5, decimal_places=3)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taille")
        verbose_name_plural = _("tailles")
        ordering = ["position", "factor", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(factor__gt=0), name="size_factor_positive"),
        ]

    def __str__(self):
        return self.name


class ProductSize(TimeStampedModel):
    """A product is sold in this size at this price (a product without any is sold without size)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sizes", verbose_name=_("produit"))
    size = models.ForeignKey(Size, on_delete=models.PROTECT, related_name="products", verbose_name=_("taille"))
    price = models.DecimalField(_("prix TTC"), max_digits=7, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prix par taille")
        verbose_name_plural = _("prix par taille")
        ordering = ["product__name", "size__position"]
        constraints = [
            models.UniqueConstraint(fields=["product", "size"], name="productsize_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="productsize_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product} {self.size} : {self.price} €"


class Extra(TimeStampedModel):
    """A topping added on demand: `quantity` of its ingredient at factor 1, scaled by the size."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    ingredient = models.ForeignKey(
        Ingredient, on_delete=models.PROTECT, related_name="extras", verbose_name=_("ingrédient")
    )
    quantity = models.DecimalField(_("quantité (taille de référence)"), max_digits=10, decimal_places=3)
    is_active = models.BooleanField(_("proposé"), default=True)
    # Empty: the extra is taxed like the product it is added to (a topping on a pizza); set only
    # where it differs (issue 18).
    vat_category = models.CharField(
        _("catégorie de TVA"), max_length=20, choices=VatCategory.choices, blank=True,
        help_text=_("Vide : celle du produit auquel il est ajouté."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplément")
        verbose_name_plural = _("suppléments")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="extra_quantity_positive"),
            models.CheckConstraint(
                condition=Q(vat_category="") | Q(vat_category__in=VatCategory.values), name="extra_vat_category_known"
            ),
        ]

    def __str__(self):
        return self.name


class ExtraPrice(TimeStampedModel):
    """The price of an extra in one size; an extra is offered only in the sizes it has a price for."""

    extra = models.ForeignKey(Extra, on_delete=models.CASCADE, related_name="prices", verbose_name=_("supplément"))
    size = models.ForeignKey(Size, on_delete=models.PROTECT, related_name="extra_prices", verbose_name=_("taille"))
    price = models.DecimalField(_("prix TTC"), max_digits=7, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prix d'un supplément")
        verbose_name_plural = _("prix des suppléments")
        ordering = ["extra__name", "size__position"]
        constraints = [
            models.UniqueConstraint(fields=["extra", "size"], name="extraprice_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="extraprice_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.extra} {self.size} : {self.price} €"


class Reminder(TimeStampedModel):
    """A pizzaiolo's "aide-mémoire" for a product, read beside its recipe (F-ADM-5/6)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("produit"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("auteur")
    )
    title = models.CharField(_("titre"), max_length=120)
    content = models.TextField(_("contenu"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aide-mémoire")
        verbose_name_plural = _("aide-mémoire")
        ordering = ["product__name", "-created_at"]

    def __str__(self):
        return f"{self.product} — {self.title}"
