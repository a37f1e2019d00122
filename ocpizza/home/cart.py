"""The customer's cart, kept in the session and tied to one pizzeria (F-ORD-2).

API (used by the site's cart pages and by checkout):

    cart = Cart(request)
    cart.pizzeria_id            # int or None: the shop the cart is for
    cart.pizzeria               # Pizzeria or None (one query, cached)
    cart.set_pizzeria(pizzeria) # tie the cart to a shop; ValidationError if it holds another shop's products
                                # (pass replace=True to empty it and switch)
    cart.add(product, quantity=1, choice=None)  # adds to the line of that choice (product.line_recipe.LineChoice:
                                         # size, extras, removals, second half; None: the product as it
                                         # comes); ValidationError (French message) when the menu does not
                                         # offer the choice, the shop's stock is short, or the line would
                                         # leave 1..20
    cart.set_quantity(line_key, quantity) # same checks, sets the line (a product is its own key too)
    cart.remove(line_key)
    cart.lines()       # [CartLine]: (Product, quantity) pairs with .key, .recipe (product.line_recipe.LineRecipe)
                       # and .subtotal, re-priced from the database (lines the menu no longer makes dropped)
    cart.order_lines() # [(LineChoice, quantity)] for order.placing.place_order
    cart.total()       # Decimal, from product.line_recipe: never from anything the browser sent
    cart.count()       # number of items
    cart.clear()       # empties the cart (keeps the pizzeria)
    cart.is_empty()
    cart.validate()    # re-checks every line against today's menu and stock; ValidationError listing problems
    cart.delivery_address      # dict(line, postcode, city, latitude, longitude, address_id) accepted by
                               # pizzeria.delivery.check_delivery_address on the cart page, or None
    cart.set_delivery_address(line=, postcode=, city=, latitude=, longitude=, address_id=None)
    cart.clear_delivery_address()

Only line keys (LineChoice.key: "12", "12.s3.e5+7.r4.h9") and quantities live in the session;
prices, allergens and availability are always recomputed from the database by product.line_recipe.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from order.rules import MAX_WEB_LINE_QUANTITY as MAX_QUANTITY
from pizzeria.models import Pizzeria
from pizzeria.selectors import line_availability
from product.line_recipe import LineChoice, line_recipe
from product.models import Product
from product.selectors import menu_for

SESSION_KEY = "ocpizza_cart"
MIN_QUANTITY = 1
# MAX_QUANTITY (a web order's line limit) is the domain's rule (order.rules): the cart only
# stores lines, so it reads the limit from there and cannot disagree with checkout.


class CartLine(tuple):
    """(product, quantity), as the cart always gave, with the line's key, recipe and subtotal."""

    def __new__(cls, product, quantity, recipe):
        line = super().__new__(cls, (product, quantity))
        line.product, line.quantity, line.recipe = product, quantity, recipe
        line.key = recipe.key
        line.subtotal = recipe.unit_price * quantity
        return line


class Cart:
    def __init__(self, request):
        self.session = request.session
        data = self.session.get(SESSION_KEY) or {}
        self._pizzeria_id = data.get("pizzeria_id")
        self._delivery = data.get("delivery")
        # Line keys (LineChoice.key); a product without options is its id as text.
        self._quantities = {str(k): int(v) for k, v in (data.get("lines") or {}).items()}
        self._lines_cache = None
        self._pizzeria_cache = None

    # --- the shop -------------------------------------------------------------------
    @property
    def pizzeria_id(self):
        return self._pizzeria_id

    @property
    def pizzeria(self):
        if self._pizzeria_id is None:
            return None
        if self._pizzeria_cache is None or self._pizzeria_cache.pk != self._pizzeria_id:
            self._pizzeria_cache = Pizzeria.objects.filter(pk=self._pizzeria_id).first()
        return self._pizzeria_cache

    def set_pizzeria(self, pizzeria, *, replace=False):
        """Tie the cart to `pizzeria`. A cart holding another shop's products is only switched
        (and emptied) with replace=True, so that a customer never pays one shop for another's pizzas."""
        if pizzeria.status != pizzeria.Status.OPEN:
            raise ValidationError(_("La pizzeria %(name)s ne prend pas de commandes pour le moment.") % {"name": pizzeria.name})
        if self._pizzeria_id == pizzeria.pk:
            return
        if self._quantities and not replace:
            raise ValidationError(
                _("Votre panier contient des produits d'une autre pizzeria. Videz-le avant de commander chez %(name)s.")
                % {"name": pizzeria.name}
            )
        self._pizzeria_id = pizzeria.pk
        self._pizzeria_cache = pizzeria
        self._quantities = {}
        self._delivery = None  # accepted for the previous shop's zone only
        self._save()

    # --- delivery address ------------------------------------------------------------
    @property
    def delivery_address(self):
        return dict(self._delivery) if self._delivery else None

    def set_delivery_address(self, *, line, postcode, city, latitude, longitude, address_id=None):
        """Remember an address the shop serves (checked by pizzeria.delivery.check_delivery_address)."""
        self._delivery = {
            "line": line,
            "postcode": postcode,
            "city": city,
            "latitude": str(latitude),
            "longitude": str(longitude),
            "address_id": address_id,
        }
        self._save()

    def clear_delivery_address(self):
        self._delivery = None
        self._save()

    # --- lines ----------------------------------------------------------------------
    def add(self, product, quantity=1, choice=None):
        choice = choice or LineChoice(product_id=product.pk)
        self._check_quantity(quantity)
        recipe = self._recipe(choice)
        current = self._quantities.get(recipe.key, 0)
        self.set_quantity(recipe.key, current + int(quantity))
        return recipe

    def set_quantity(self, line, quantity):
        """Set the quantity of a line (its key, or a product for the product as it comes)."""
        quantity = self._check_quantity(quantity)
        choice = self._choice_of(line)
        recipe = self._recipe(choice)
        self._check_stock(recipe, quantity)
        if recipe.key != choice.key:
            self._quantities.pop(choice.key, None)
        self._quantities[recipe.key] = quantity
        self._save()

    def remove(self, line):
        key = self._key_of(line)
        if key is not None and self._quantities.pop(key, None) is not None:
            self._save()

    def clear(self):
        self._quantities = {}
        self._save()

    def is_empty(self):
        return not self._quantities

    def count(self):
        return sum(self._quantities.values())

    def quantity_of(self, line):
        return self._quantities.get(self._key_of(line) or "", 0)

    def lines(self):
        """[CartLine] in menu order, priced from the database by product.line_recipe.

        Lines the menu no longer makes (a product deleted or taken off the menu, a size or an
        extra no longer offered) are dropped, and forgotten by the session."""
        if self._lines_cache is None:
            choices = {}
            for key in self._quantities:
                try:
                    choices[key] = LineChoice.from_key(key)
                except ValueError:
                    continue
            ids = {pid for choice in choices.values() for pid in choice.product_ids()}
            menu = menu_for(ids) if ids else None
            products = {p.pk: p for p in Product.objects.filter(pk__in=ids, is_active=True)} if ids else {}
            lines = []
            for key, choice in choices.items():
                if choice.product_id not in products:
                    continue
                try:
                    recipe = line_recipe(choice, menu)
                except ValidationError:
                    continue
                if recipe.key == key:
                    lines.append(CartLine(products[choice.product_id], self._quantities[key], recipe))
            found = {line.key for line in lines}
            if found != set(self._quantities):
                self._quantities = {k: v for k, v in self._quantities.items() if k in found}
                self._save()
            lines.sort(key=lambda line: (line.product.category, line.product.name, line.key))
            self._lines_cache = (lines, menu)
        return list(self._lines_cache[0])

    def order_lines(self):
        """[(LineChoice, quantity)]: what checkout gives order.placing.place_order."""
        return [(line.recipe.choice, line.quantity) for line in self.lines()]

    def total(self):
        return sum((line.subtotal for line in self.lines()), Decimal("0.00"))

    def validate(self):
        """Re-check the whole cart (at checkout): shop open, lines on the menu, stock enough.

        Raises ValidationError with one French message per problem."""
        errors = []
        pizzeria = self.pizzeria
        if pizzeria is None:
            errors.append(_("Choisissez d'abord une pizzeria."))
        elif pizzeria.status != pizzeria.Status.OPEN:
            errors.append(_("La pizzeria %(name)s ne prend pas de commandes pour le moment.") % {"name": pizzeria.name})
        before = set(self._quantities)
        lines = self.lines()
        if before - set(self._quantities):
            errors.append(_("Un produit de votre panier n'est plus à la carte : il a été retiré."))
        if not lines:
            errors.append(_("Votre panier est vide."))
        if pizzeria is not None and lines:
            menu = self._lines_cache[1]
            availability = line_availability(pizzeria=pizzeria, recipes={line.key: line.recipe for line in lines}, menu=menu)
            for line in lines:
                shortfall = availability[line.key].shortfall(line.recipe.display_name, line.quantity)
                if shortfall:
                    errors.append(shortfall)
        if errors:
            raise ValidationError(errors)

    # --- internals --------------------------------------------------------------------
    def _check_quantity(self, quantity):
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            raise ValidationError(_("La quantité doit être un nombre entier.")) from None
        if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
            raise ValidationError(
                _("La quantité doit être comprise entre %(min)d et %(max)d.") % {"min": MIN_QUANTITY, "max": MAX_QUANTITY}
            )
        return quantity

    @staticmethod
    def _key_of(line):
        if isinstance(line, LineChoice):
            return line.key
        if hasattr(line, "pk"):
            return str(line.pk)
        return str(line) if line is not None else None

    def _choice_of(self, line):
        if isinstance(line, LineChoice):
            return line
        try:
            return LineChoice.from_key(self._key_of(line))
        except ValueError:
            raise ValidationError(_("Ce produit n'existe pas.")) from None

    def _recipe(self, choice):
        """The line as the menu makes it now (product.line_recipe), or the menu's refusal; the
        menu read is kept for the stock check that follows."""
        if self.pizzeria is None:
            raise ValidationError(_("Choisissez d'abord une pizzeria."))
        self._menu = menu_for(choice.product_ids())
        return line_recipe(choice, self._menu)

    def _check_stock(self, recipe, quantity):
        availability = line_availability(pizzeria=self.pizzeria, recipes={recipe.key: recipe}, menu=self._menu)
        shortfall = availability[recipe.key].shortfall(recipe.display_name, quantity)
        if shortfall:
            raise ValidationError([shortfall])

    def _save(self):
        self._lines_cache = None
        self.session[SESSION_KEY] = {
            "pizzeria_id": self._pizzeria_id,
            "lines": dict(self._quantities),  # {line key: quantity}
            "delivery": self._delivery,
        }
        self.session.modified = True
