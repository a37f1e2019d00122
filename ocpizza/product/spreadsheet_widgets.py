"""Widgets of spreadsheet imports: decimals, booleans, text, choices and natural keys parsed
the French way, each refusing a bad cell with a French error."""
import re
from decimal import Decimal, InvalidOperation

from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import widgets

from product.spreadsheet_cells import is_blank, natural


class FrenchDecimalWidget(widgets.Widget):
    """Decimal written "12,5", "12.5", "1 234,5" or as a spreadsheet number; bounded like the column."""

    def __init__(self, *, max_digits, decimal_places, minimum=Decimal("0"), strictly_positive=False, required=False):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.minimum = minimum
        self.strictly_positive = strictly_positive

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise ValueError(_("Cette cellule est obligatoire."))
            return None
        if isinstance(value, bool):
            raise ValueError(_("« %(value)s » n'est pas un nombre.") % {"value": value})
        if isinstance(value, (int, float, Decimal)):
            text = str(value)
        else:
            text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
            if text.count(",") == 1:
                text = text.replace(".", "").replace(",", ".") if "." in text and text.index(".") < text.index(",") else text.replace(",", ".")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(_("« %(value)s » n'est pas un nombre.") % {"value": str(value)[:40]}) from None
        if not number.is_finite():
            raise ValueError(_("« %(value)s » n'est pas un nombre.") % {"value": str(value)[:40]})
        if self.strictly_positive and number <= 0:
            raise ValueError(_("La quantité doit être supérieure à zéro (%(value)s).") % {"value": text[:40]})
        if self.minimum is not None and number < self.minimum:
            raise ValueError(_("Une valeur négative n'est pas acceptée (%(value)s).") % {"value": text[:40]})
        if abs(number) >= Decimal(10) ** (self.max_digits - self.decimal_places):
            raise ValueError(_("%(value)s est trop grand.") % {"value": text[:40]})
        if number.as_tuple().exponent < -self.decimal_places and number != number.quantize(Decimal(1).scaleb(-self.decimal_places)):
            raise ValueError(
                _("%(value)s a trop de décimales : %(places)s au plus.") % {"value": text[:40], "places": self.decimal_places}
            )
        return number.quantize(Decimal(1).scaleb(-self.decimal_places))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        text = format(Decimal(value).normalize(), "f")
        return text.replace(".", ",")


class FrenchBooleanWidget(widgets.Widget):
    TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
    FALSE = {"non", "n", "faux", "false", "0", "no"}

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        key = natural(value)
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(_("« %(value)s » : écrivez « oui » ou « non ».") % {"value": str(value)[:40]})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("oui") if value else _("non")


class TextWidget(widgets.Widget):
    """Text cell, stripped, bounded to the column length; `required` refuses blanks."""

    def __init__(self, *, max_length=None, required=False):
        super().__init__(coerce_to_string=True)
        self.max_length = max_length
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise ValueError(_("Cette cellule est obligatoire."))
            return ""
        text = force_str(value).strip()
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_("Texte trop long : %(max)s caractères au plus.") % {"max": self.max_length})
        return text


class ChoiceWidget(widgets.Widget):
    """A TextChoices value, written as its French label ("Boisson") or its value ("drink")."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=True)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        key = natural(value)
        for choice_value, label in self.choices.choices:
            if key in (natural(choice_value), natural(label)):
                return choice_value
        labels = ", ".join(str(label) for _v, label in self.choices.choices)
        raise ValueError(_("« %(value)s » inconnu : valeurs possibles %(labels)s.") % {"value": str(value)[:40], "labels": labels})

    def render(self, value, obj=None, **kwargs):
        if value is None or value == "":
            return ""
        return str(self.choices(value).label)


class NaturalKeyWidget(widgets.Widget):
    """A foreign key written as a natural key (slug, name, symbol), looked up in a per-import cache.

    The resource fills `cache` ({natural(key): object}) once in before_import, so a 10 000-line
    file costs one query per related table, not one per line.
    """

    def __init__(self, *, attribute, unknown_message, aliases=()):
        super().__init__(coerce_to_string=True)
        self.attribute = attribute
        self.aliases = aliases  # other attributes accepted on import (a pizzeria's name as well as its slug)
        self.unknown_message = unknown_message
        self.cache = None

    def load(self, queryset):
        self.cache = {}
        for obj in queryset:
            for attribute in (*self.aliases, self.attribute):
                self.cache[natural(getattr(obj, attribute))] = obj

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise ValueError(_("Cette cellule est obligatoire."))
        obj = self.cache.get(natural(value)) if self.cache is not None else None
        if obj is None:
            raise ValueError(self.unknown_message % {"value": str(value)[:60]})
        return obj

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.attribute)


# --- results and resources -------------------------------------------------------------------
