"""Reading a spreadsheet cell or header the way a person typed it: headers and names match
whatever their case, accents or outer spaces; a cell of spaces is blank."""
import functools
import re
import unicodedata

from django.utils.encoding import force_str


def normalise_header(header):
    """ "Unité ", "QUANTITÉ comptée" -> "unite", "quantite_comptee": headers typed by hand match."""
    text = unicodedata.normalize("NFKD", force_str(header or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def natural(value):
    """Key used to match names: case, accents-composition and outer spaces do not matter."""
    return _natural(value if isinstance(value, str) else force_str(value))


@functools.lru_cache(maxsize=8192)
def _natural(text):
    # Cached: a large file repeats the same product slugs and ingredient names on every line.
    return unicodedata.normalize("NFC", text).strip().casefold()


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())
