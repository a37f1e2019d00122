"""The 14 allergens that EU law requires a menu to declare (Regulation (EU) No 1169/2011,
annex II), by a short code stored on each ingredient (product.Ingredient.allergens).

An ingredient says which of them it contains; `allergens_known` says whether anybody checked:
an ingredient nobody documented is shown as "non renseigné", never as "none"."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Allergen(models.TextChoices):
    GLUTEN = "gluten", _("Céréales contenant du gluten")
    CRUSTACEANS = "crustaces", _("Crustacés")
    EGGS = "oeufs", _("Œufs")
    FISH = "poissons", _("Poissons")
    PEANUTS = "arachides", _("Arachides")
    SOY = "soja", _("Soja")
    MILK = "lait", _("Lait")
    NUTS = "fruits_a_coque", _("Fruits à coque")
    CELERY = "celeri", _("Céleri")
    MUSTARD = "moutarde", _("Moutarde")
    SESAME = "sesame", _("Graines de sésame")
    SULPHITES = "sulfites", _("Anhydride sulfureux et sulfites")
    LUPIN = "lupin", _("Lupin")
    MOLLUSCS = "mollusques", _("Mollusques")


CODES = tuple(Allergen.values)
_LABELS = dict(Allergen.choices)


def allergen_names(codes):
    """French names of `codes`, in the regulation's order."""
    wanted = set(codes)
    return [str(_LABELS[code]) for code in CODES if code in wanted]
