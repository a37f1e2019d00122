"""Formula neutralising for every spreadsheet export, and its exact reverse on import.

A cell a spreadsheet would run as a formula (CSV injection, OWASP) is written with a leading
apostrophe; an exported file imports back unchanged.
"""
import re

import tablib

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ...except a plain negative number, which a spreadsheet reads as the number it is.
_NUMBER_TEXT = re.compile(r"-\d+(?:[.,]\d+)?")


def _is_formula(text):
    return text.startswith(FORMULA_PREFIXES) and not _NUMBER_TEXT.fullmatch(text)


def neutralise_formula(value):
    """THE one neutralisation of every export (admin exports of every resource, dashboard tables):
    text a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).

    Only text is touched: numbers (Decimal, int, float, and "-3,5" written by the decimal widget)
    stay numbers. Text that already starts with apostrophes in front of a formula ("'=1") gets
    one more, so that restore_formula_text can always tell our apostrophe from the user's.
    """
    if isinstance(value, str) and _is_formula(value.lstrip("'")):
        return "'" + value
    return value


def restore_formula_text(value):
    """Exact reverse of neutralise_formula (import side), so that an exported file imports back
    unchanged: one apostrophe is removed only where neutralise_formula would have added it."""
    if isinstance(value, str) and value.startswith("'") and _is_formula(value[1:].lstrip("'")):
        return value[1:]
    return value


def neutralise_dataset(dataset):
    """A copy of a tablib Dataset, headers included, with neutralise_formula applied to each cell.

    Called once per export, by the export formats (product.spreadsheet_formats), which every
    admin export and every dashboard export go through.
    """
    headers = [neutralise_formula(h) for h in dataset.headers] if dataset.headers else None
    safe = tablib.Dataset(headers=headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise_formula(cell) for cell in row])
    return safe
