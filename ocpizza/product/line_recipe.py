"""What one order line needs and costs: THE function of the menu's options (issue 16).

`line_recipe(choice, menu)` turns a line (product, size, extras, removals, second half) into the
ingredient quantities one unit takes and the price one unit costs, with the kitchen's label and the
allergens that result. Everything that prices a line or takes stock for it calls it: the cart,
checkout and phone orders (order.placing.place_order), a change of an order (order.checkout,
order.changes), availability of a size or an extra (pizzeria.selectors), the reservations of a
placed order (issue 17), and through the needs it stores on each order line, the deduction of
order.services.accept_order, the ledger, the kitchen ticket and the dashboard.

It is pure: no database, no clock. Its caller loads the menu it reads with
product.selectors.menu_for (a fixed number of queries, whatever the number of options) and gives
it here, so it can be called for every line of a cart, every size of a catalogue or every thread of
a stock test without asking the database again.

Rules (docs/menu-options.md):
- a size multiplies the recipe and the extras by its factor; a product sold in sizes is priced
  per size (ProductSize), one without sizes at its selling price; a line without a size of a sized
  product is made in its reference size (factor 1, else its first size), and the canonical key of
  a line in the reference size names no size;
- an extra adds its ingredient, `quantity × factor`, at its price for that size;
- a removal takes a removable recipe ingredient away, for free (the price does not change);
- half-and-half: each half takes half of its own recipe at the chosen size; the price follows
  `menu.half_price_rule` ("dearer": the dearer half, "average": the mean rounded up to the cent);
  extras cover the whole pizza, a removal applies to both halves.
Per-unit quantities are rounded to the stock's precision (0.001), half up; a line of n units
takes exactly n times them.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from product.allergens import allergen_names

QUANTITY_STEP = Decimal("0.001")  # the precision of stock quantities (pizzeria.Stock)
CENT = Decimal("0.01")
ONE = Decimal(1)
HALF = Decimal("0.5")
MAX_EXTRAS = 10
HALF_PRICE_RULES = ("dearer", "average")


@dataclass(frozen=True)
class IngredientInfo:
    id: int
    name: str
    unit: str
    allergens: tuple = ()
    allergens_known: bool = False


@dataclass(frozen=True)
class RecipeItem:
    ingredient_id: int
    quantity: Decimal
    removable: bool = True


@dataclass(frozen=True)
class ProductInfo:
    id: int
    name: str
    selling_price: Decimal
    recipe: tuple = ()  # RecipeItem, in recipe order
    size_prices: dict = field(default_factory=dict)  # {size_id: price}; empty: sold without sizes
    allows_halves: bool = False
    is_active: bool = True
    vat_category: str = "immediate"  # product.vat.VatCategory


@dataclass(frozen=True)
class SizeInfo:
    id: int
    name: str
    factor: Decimal
    position: int = 0


@dataclass(frozen=True)
class ExtraInfo:
    id: int
    name: str
    ingredient_id: int
    quantity: Decimal
    prices: dict = field(default_factory=dict)  # {size_id: price}; not offered in another size
    is_active: bool = True
    vat_category: str = ""  # product.vat.VatCategory; "" taxed like the product it is added to


@dataclass(frozen=True)
class Menu:
    """What line_recipe reads, as plain values (product.selectors.menu_for builds it)."""

    products: dict  # {id: ProductInfo}
    sizes: dict  # {id: SizeInfo}
    extras: dict  # {id: ExtraInfo}
    ingredients: dict  # {id: IngredientInfo}
    half_price_rule: str = "dearer"

    def sizes_of(self, product):
        """The sizes a product is sold in, smallest first."""
        return sorted((self.sizes[s] for s in product.size_prices if s in self.sizes), key=lambda s: (s.position, s.factor, s.id))

    def reference_size(self, product):
        sizes = self.sizes_of(product)
        if not sizes:
            return None
        return next((s for s in sizes if s.factor == ONE), sizes[0])


def _ids(values):
    return tuple(sorted({int(v) for v in values or ()}))


@dataclass(frozen=True)
class LineChoice:
    """What the customer chose for a line, by ids. `key` is its canonical text, the identity of a
    line in a cart, an order and a change ("12" for a product without options)."""

    product_id: int
    size_id: int | None = None
    extra_ids: tuple = ()
    removed_ids: tuple = ()  # ingredient ids
    half_id: int | None = None  # the product of the second half

    def __post_init__(self):
        object.__setattr__(self, "product_id", int(self.product_id))
        object.__setattr__(self, "size_id", int(self.size_id) if self.size_id not in (None, "") else None)
        object.__setattr__(self, "half_id", int(self.half_id) if self.half_id not in (None, "") else None)
        object.__setattr__(self, "extra_ids", _ids(self.extra_ids))
        object.__setattr__(self, "removed_ids", _ids(self.removed_ids))

    @property
    def key(self):
        parts = [str(self.product_id)]
        if self.size_id is not None:
            parts.append(f"s{self.size_id}")
        if self.extra_ids:
            parts.append("e" + "+".join(map(str, self.extra_ids)))
        if self.removed_ids:
            parts.append("r" + "+".join(map(str, self.removed_ids)))
        if self.half_id is not None:
            parts.append(f"h{self.half_id}")
        return ".".join(parts)

    @classmethod
    def from_key(cls, text):
        """The choice a key names; ValueError for anything else (a session or a form is input)."""
        text = str(text or "")
        if not text or len(text) > 200:
            raise ValueError("bad line key")
        head, *parts = text.split(".")
        values = {"product_id": int(head)}
        for part in parts:
            tag, body = part[:1], part[1:]
            if not body:
                raise ValueError("bad line key")
            if tag == "s" and "size_id" not in values:
                values["size_id"] = int(body)
            elif tag == "h" and "half_id" not in values:
                values["half_id"] = int(body)
            elif tag == "e" and "extra_ids" not in values:
                values["extra_ids"] = [int(v) for v in body.split("+")]
            elif tag == "r" and "removed_ids" not in values:
                values["removed_ids"] = [int(v) for v in body.split("+")]
            else:
                raise ValueError("bad line key")
        choice = cls(**values)
        if choice.key != text:
            raise ValueError("line key not canonical")
        return choice

    def product_ids(self):
        return [self.product_id] + ([self.half_id] if self.half_id is not None else [])


@dataclass(frozen=True)
class LineRecipe:
    """One unit of a line, as the menu makes it: what it takes, what it costs, what it is."""

    choice: LineChoice  # canonical: no size when it is the product's reference size (key "12")
    size_id: int | None  # the size made (the reference size when the choice named none)
    unit_price: Decimal
    needs: dict  # {ingredient_id: quantity per unit}, only positive quantities
    product_name: str  # "Reine", "Margherita / Quatre fromages"
    options_label: str  # "Grande 40 cm — + Mozzarella — sans Champignons", "" without options
    allergens: tuple  # EU codes (product.allergens), sorted
    undocumented: tuple  # names of ingredients whose allergens nobody has entered
    snapshot: dict  # the choices by id and name, stored on the order line (order.OrderLine.choices)
    # What one unit costs per VAT category (issue 18): ((category, amount TTC), ...), summing to
    # unit_price; the product's price (halves included) in its category, each extra in its own.
    vat_parts: tuple = ()

    @property
    def key(self):
        return self.choice.key

    @property
    def display_name(self):
        """The line as a customer reads it in a message: "Reine (Grande 40 cm — + Mozzarella)"."""
        return f"{self.product_name} ({self.options_label})" if self.options_label else self.product_name

    def needs_for(self, quantity):
        return {ingredient_id: q * quantity for ingredient_id, q in self.needs.items()}

    @property
    def allergen_text(self):
        return allergen_text(self.allergens, self.undocumented)


def allergen_text(codes, undocumented=()):
    """"Lait, Céréales contenant du gluten" or "aucun des 14 allergènes réglementaires", and what is
    not documented said so (never "none" for an ingredient nobody has checked)."""
    parts = []
    if codes:
        parts.append(", ".join(allergen_names(codes)))
    elif not undocumented:
        parts.append(_("aucun des 14 allergènes réglementaires"))
    if undocumented:
        parts.append(_("non renseignés pour : %(names)s") % {"names": ", ".join(undocumented)})
    return " ; ".join(parts)


def _round(quantity):
    return quantity.quantize(QUANTITY_STEP, rounding=ROUND_HALF_UP)


def _price_at(product, size):
    if not product.size_prices:
        return product.selling_price
    return product.size_prices.get(size.id) if size is not None else None


def line_recipe(choice: LineChoice, menu: Menu) -> LineRecipe:
    """The recipe and price of one unit of `choice` (see the module's rules).

    Raises ValidationError with every problem of the choice, in French, when the menu cannot make
    it (product off the menu, size not sold, extra not offered in that size, ingredient not
    removable, halves not allowed...)."""
    product = menu.products.get(choice.product_id)
    if product is None or not product.is_active:
        name = product.name if product is not None else _("Ce produit")
        raise ValidationError(_("%(product)s n'est plus à la carte.") % {"product": name})
    errors = []
    second = None
    if choice.half_id is not None:
        second = menu.products.get(choice.half_id)
        if second is None or not second.is_active:
            raise ValidationError(_("La seconde moitié demandée n'est plus à la carte."))
        if second.id == product.id:
            errors.append(_("Les deux moitiés d'une pizza moitié-moitié doivent être différentes."))
        for half in (product, second):
            if not half.allows_halves:
                errors.append(_("%(product)s ne se vend pas en moitié-moitié.") % {"product": half.name})
    halves = (product,) if second is None else (product, second)

    # The size: the chosen one, or the reference size of a sized product.
    size = None
    if product.size_prices:
        if choice.size_id is None:
            size = menu.reference_size(product)
        elif choice.size_id in product.size_prices and choice.size_id in menu.sizes:
            size = menu.sizes[choice.size_id]
        else:
            size_name = menu.sizes[choice.size_id].name if choice.size_id in menu.sizes else "?"
            raise ValidationError(
                _("%(product)s n'existe pas en taille %(size)s.") % {"product": product.name, "size": size_name}
            )
    elif choice.size_id is not None:
        raise ValidationError(_("%(product)s ne se décline pas en tailles.") % {"product": product.name})
    factor = size.factor if size is not None else ONE
    prices = []
    for half in halves:
        price = _price_at(half, size)
        if price is None:
            errors.append(
                _("%(product)s n'existe pas en taille %(size)s.") % {"product": half.name, "size": size.name if size else "?"}
            )
        prices.append(price)

    # Removals: removable ingredients of the recipe (of either half).
    in_recipe = {}
    for half in halves:
        for item in half.recipe:
            in_recipe.setdefault(item.ingredient_id, item.removable)
            if not item.removable:
                in_recipe[item.ingredient_id] = False
    for ingredient_id in choice.removed_ids:
        ingredient = menu.ingredients.get(ingredient_id)
        name = ingredient.name if ingredient else "?"
        if not in_recipe.get(ingredient_id, False):
            errors.append(
                _("%(ingredient)s ne peut pas être retiré de %(product)s.") % {"ingredient": name, "product": product.name}
            )

    # Extras: offered in this size, not also removed.
    extras = []
    if len(choice.extra_ids) > MAX_EXTRAS:
        errors.append(_("Au plus %(max)d suppléments par pizza.") % {"max": MAX_EXTRAS})
    for extra_id in choice.extra_ids:
        extra = menu.extras.get(extra_id)
        if extra is None or not extra.is_active:
            errors.append(_("Un supplément demandé n'est plus proposé."))
            continue
        if size is None or size.id not in extra.prices:
            errors.append(
                _("Le supplément %(extra)s n'est pas proposé pour %(product)s%(size)s.")
                % {"extra": extra.name, "product": product.name, "size": f" {size.name}" if size else ""}
            )
            continue
        if extra.ingredient_id in choice.removed_ids:
            errors.append(
                _("%(ingredient)s ne peut pas être à la fois retiré et ajouté en supplément.")
                % {"ingredient": menu.ingredients[extra.ingredient_id].name}
            )
            continue
        extras.append(extra)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))

    # What one unit takes.
    share = ONE if second is None else HALF
    needs = {}
    for half in halves:
        for item in half.recipe:
            if item.ingredient_id not in choice.removed_ids:
                needs[item.ingredient_id] = needs.get(item.ingredient_id, Decimal(0)) + item.quantity * factor * share
    for extra in extras:
        needs[extra.ingredient_id] = needs.get(extra.ingredient_id, Decimal(0)) + extra.quantity * factor
    needs = {i: _round(q) for i, q in needs.items() if _round(q) > 0}

    # What one unit costs.
    if second is None:
        base = prices[0]
    elif menu.half_price_rule == "average":
        base = ((prices[0] + prices[1]) / 2).quantize(CENT, rounding=ROUND_UP)
    else:
        base = max(prices)
    unit_price = base + sum((extra.prices[size.id] for extra in extras), Decimal("0.00"))
    parts = {product.vat_category: base}
    for extra in extras:
        category = extra.vat_category or product.vat_category
        parts[category] = parts.get(category, Decimal("0.00")) + extra.prices[size.id]

    # What it is called, on the ticket and the receipt.
    name = product.name if second is None else f"{product.name} / {second.name}"
    label = []
    if size is not None:
        label.append(size.name)
    if second is not None:
        label.append(_("½ %(first)s | ½ %(second)s") % {"first": product.name, "second": second.name})
    label += [f"+ {extra.name}" for extra in extras]
    label += [
        _("sans %(ingredient)s") % {"ingredient": menu.ingredients[i].name.lower()} for i in choice.removed_ids
    ]
    allergens, undocumented = set(), []
    for ingredient_id in sorted(needs, key=lambda i: menu.ingredients[i].name):
        ingredient = menu.ingredients[ingredient_id]
        if ingredient.allergens_known:
            allergens.update(ingredient.allergens)
        else:
            undocumented.append(ingredient.name)
    # The reference size is the key's default, so that "12" names the same line as "12.s<reference>"
    # (a cart, an order or a change that never heard of sizes keeps its keys).
    reference = menu.reference_size(product)
    resolved = LineChoice(
        product_id=product.id, size_id=size.id if size is not None and size != reference else None,
        extra_ids=choice.extra_ids,
        removed_ids=choice.removed_ids, half_id=choice.half_id,
    )
    snapshot = {
        "size": {"id": size.id, "name": size.name, "factor": str(size.factor)} if size else None,
        "halves": [{"id": h.id, "name": h.name} for h in halves] if second is not None else [],
        "extras": [
            {"id": e.id, "name": e.name, "ingredient_id": e.ingredient_id, "quantity": str(_round(e.quantity * factor)),
             "price": str(e.prices[size.id])}
            for e in extras
        ],
        "removals": [{"id": i, "name": menu.ingredients[i].name} for i in choice.removed_ids],
    }
    return LineRecipe(
        choice=resolved,
        size_id=size.id if size is not None else None,
        unit_price=unit_price,
        needs=needs,
        product_name=name,
        options_label=" — ".join(label),
        allergens=tuple(sorted(allergens)),
        undocumented=tuple(undocumented),
        snapshot=snapshot,
        vat_parts=tuple(parts.items()),
    )


def total_needs(recipes_and_quantities):
    """{ingredient_id: quantity} of several lines: [(LineRecipe, quantity)] summed (an order, a
    cart, the reservations of issue 17)."""
    needs = {}
    for recipe, quantity in recipes_and_quantities:
        for ingredient_id, q in recipe.needs.items():
            needs[ingredient_id] = needs.get(ingredient_id, Decimal(0)) + q * quantity
    return needs
