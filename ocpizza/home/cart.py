"""The customer's cart, kept in the session and tied to one pizzeria (F-ORD-2).

API (used by the site's cart pages and by checkout):

    cart = Cart(request)
    cart.pizzeria_id            # int or None: the shop the cart is for
    cart.pizzeria               # Pizzeria or None (one query, cached)
    cart.set_pizzeria(pizzeria) # tie the cart to a shop; ValidationError if it holds another shop's products
                                # (pass replace=True to empty it and switch)
    cart.add(product, quantity=1)        # adds to the line; ValidationError (French message) when the
                                         # product is inactive, short in that shop's stock, or the
                                         # line would leave 1..20
    cart.set_quantity(product, quantity) # same checks, sets the line
    cart.remove(product)
    cart.lines()       # [(Product, quantity)], re-read from the database (deleted or inactive products dropped)
    cart.total()       # Decimal, from product.selling_price: never from anything the browser sent
    cart.count()       # number of items
    cart.clear()       # empties the cart (keeps the pizzeria)
    cart.is_empty()
    cart.validate()    # re-checks every line against today's menu and stock; ValidationError listing problems
    cart.delivery_address      # dict(line, postcode, city, latitude, longitude, address_id) accepted by
                               # pizzeria.delivery.check_delivery_address on the cart page, or None
    cart.set_delivery_address(line=, postcode=, city=, latitude=, longitude=, address_id=None)
    cart.clear_delivery_address()

Only product ids and quantities live in the session; prices and availability are always
recomputed from the database.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from order.rules import MAX_WEB_LINE_QUANTITY as MAX_QUANTITY
from pizzeria.models import Pizzeria
from pizzeria.selectors import product_availability
from product.models import Product

SESSION_KEY = "ocpizza_cart"
MIN_QUANTITY = 1
# MAX_QUANTITY (a web order's line limit) is the domain's rule (order.rules): the cart only
# stores lines, so it reads the limit from there and cannot disagree with checkout.


class Cart:
    def __init__(self, request):
        self.session = request.session
        data = self.session.get(SESSION_KEY) or {}
        self._pizzeria_id = data.get("pizzeria_id")
        self._delivery = data.get("delivery")
        # JSON session keys are strings: product ids are kept as str keys.
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
    def add(self, product, quantity=1):
        current = self._quantities.get(str(product.pk), 0)
        self._check_quantity(quantity)
        self.set_quantity(product, current + int(quantity))

    def set_quantity(self, product, quantity):
        quantity = self._check_quantity(quantity)
        self._check_product(product, quantity)
        self._quantities[str(product.pk)] = quantity
        self._save()

    def remove(self, product):
        product_id = str(getattr(product, "pk", product))
        if self._quantities.pop(product_id, None) is not None:
            self._save()

    def clear(self):
        self._quantities = {}
        self._save()

    def is_empty(self):
        return not self._quantities

    def count(self):
        return sum(self._quantities.values())

    def quantity_of(self, product):
        return self._quantities.get(str(getattr(product, "pk", product)), 0)

    def lines(self):
        """[(Product, quantity)] in menu order, products re-read from the database.

        Products deleted or taken off the menu since they were added are dropped (and
        forgotten by the session)."""
        if self._lines_cache is None:
            ids = [int(k) for k in self._quantities]
            products = list(Product.objects.filter(pk__in=ids, is_active=True).order_by("category", "name"))
            found = {str(p.pk) for p in products}
            if found != set(self._quantities):
                self._quantities = {k: v for k, v in self._quantities.items() if k in found}
                self._save()
            self._lines_cache = [(p, self._quantities[str(p.pk)]) for p in products]
        return list(self._lines_cache)

    def total(self):
        return sum((product.selling_price * quantity for product, quantity in self.lines()), Decimal("0.00"))

    def validate(self):
        """Re-check the whole cart (at checkout): shop open, products on the menu, stock enough.

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
            availability = product_availability(pizzeria=pizzeria, product_ids=[p.pk for p, _q in lines])
            for product, quantity in lines:
                errors.extend(self._stock_errors(product, quantity, availability[product.pk]))
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

    def _check_product(self, product, quantity):
        pizzeria = self.pizzeria
        if pizzeria is None:
            raise ValidationError(_("Choisissez d'abord une pizzeria."))
        if not product.is_active:
            raise ValidationError(_("%(name)s n'est plus à la carte.") % {"name": product.name})
        availability = product_availability(pizzeria=pizzeria, product_ids=[product.pk])[product.pk]
        errors = self._stock_errors(product, quantity, availability)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _stock_errors(product, quantity, availability):
        shortfall = availability.shortfall(product.name, quantity)
        return [shortfall] if shortfall else []

    def _save(self):
        self._lines_cache = None
        self.session[SESSION_KEY] = {
            "pizzeria_id": self._pizzeria_id,
            "lines": dict(self._quantities),
            "delivery": self._delivery,
        }
        self.session.modified = True
