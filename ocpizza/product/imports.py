"""Spreadsheet imports and exports shared by every resource (F-ADM-7).

django-import-export does the work (preview, diff, transaction); this module makes it strict and
French-friendly:

- file formats that read CSV as a French spreadsheet writes it (`;` or `,` separators, decimal
  commas, UTF-8 with or without BOM) and XLSX, with a size limit and French errors;
- widgets that parse decimals, booleans, choices and natural keys with French errors;
- `SpreadsheetResource`, the base of every resource: headers normalised, missing columns and
  duplicate rows refused, errors keyed by column and numbered by spreadsheet line, nothing
  written unless the whole file is valid, formulas neutralised on export.
"""
import copy
import csv
import functools
import io
import logging
import re
import unicodedata
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult

from ocpizza.business import message_of
from product.spreadsheet_guard import (  # noqa: F401 (ImportFileError and the caps are used by the admin too)
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    ImportFileError,
    check_xlsx,
)

logger = logging.getLogger(__name__)

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ...except a plain negative number, which a spreadsheet reads as the number it is.
_NUMBER_TEXT = re.compile(r"-\d+(?:[.,]\d+)?")

# --- cells -----------------------------------------------------------------------------------


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

    Called once per export, by the export formats below (FrenchCSV, FrenchXLSX), which every
    admin export and every dashboard export go through.
    """
    headers = [neutralise_formula(h) for h in dataset.headers] if dataset.headers else None
    safe = tablib.Dataset(headers=headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise_formula(cell) for cell in row])
    return safe


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


# --- formats ---------------------------------------------------------------------------------


def _check_size(data):
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Le fichier dépasse la taille maximale de %(max)s Mio.") % {"max": MAX_IMPORT_BYTES // (1024 * 1024)}
        )


def _collect_rows(rows):
    """Reads the rows of a file one by one under the caps (lines, columns, cell length), so that
    a hostile file is refused before it is held in memory. Blank lines are kept only when a
    filled line follows (line numbers stay those of the spreadsheet); trailing ones are dropped."""
    kept = []
    blank_run = 0
    for line, row in enumerate(rows, start=1):
        filled = False
        for position, cell in enumerate(row):
            if is_blank(cell):
                continue
            filled = True
            if position >= MAX_IMPORT_COLUMNS:
                raise ImportFileError(
                    _("Ligne %(line)s : plus de %(max)s colonnes remplies.") % {"line": line, "max": MAX_IMPORT_COLUMNS}
                )
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise ImportFileError(
                    _("Ligne %(line)s : une cellule dépasse %(max)s caractères.") % {"line": line, "max": MAX_CELL_CHARS}
                )
        if not filled:
            blank_run += 1
            continue
        if line > MAX_IMPORT_ROWS + 1:
            raise ImportFileError(
                _("Le fichier contient plus de %(max)s lignes : découpez-le en plusieurs fichiers.") % {"max": MAX_IMPORT_ROWS}
            )
        kept.extend([] for _blank in range(blank_run))
        blank_run = 0
        kept.append(list(row[:MAX_IMPORT_COLUMNS]))
    return kept


def _build_dataset(rows):
    """Dataset from rows read by _collect_rows (first = headers), rectangular."""
    rows = _collect_rows(rows)
    while rows and all(is_blank(cell) for cell in rows[-1]):
        rows.pop()
    if not rows or all(is_blank(cell) for cell in rows[0]):
        raise ImportFileError(_("Le fichier est vide : la première ligne doit contenir les en-têtes de colonnes."))
    headers = [force_str(cell if cell is not None else "").strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if len(rows) == 1:
        raise ImportFileError(_("Le fichier ne contient que les en-têtes : aucune ligne à importer."))
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise ImportFileError(
            _("Le fichier contient plus de %(max)s lignes : découpez-le en plusieurs fichiers.") % {"max": MAX_IMPORT_ROWS}
        )
    dataset = tablib.Dataset(headers=headers)
    width = len(headers)
    for line, row in enumerate(rows[1:], start=2):
        extra = row[width:]
        if any(not is_blank(cell) for cell in extra):
            raise ImportFileError(
                _("Ligne %(line)s : plus de cellules remplies que de colonnes d'en-tête.") % {"line": line}
            )
        row = row[:width] + [""] * (width - len(row))
        dataset.append(["" if cell is None else cell for cell in row])
    return dataset


class FrenchCSV(base_formats.CSV):
    """CSV as Excel or LibreOffice save it in France: `;` or `,`, UTF-8 with or without BOM.

    Read as bytes (is_binary) so that decoding errors get a French message here rather than
    a UnicodeDecodeError in the temporary storage. Exports use `;` and a BOM, which a French
    Excel opens correctly with a double click.
    """

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        _check_size(in_stream)
        if b"\x00" in in_stream:
            raise ImportFileError(_("Ce fichier n'est pas un fichier texte CSV (contenu binaire)."))
        try:
            text = in_stream.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    "Le fichier n'est pas encodé en UTF-8 (octet invalide en position %(position)s) : "
                    "enregistrez-le au format « CSV UTF-8 »."
                )
                % {"position": error.start}
            ) from error
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return _build_dataset(reader)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    _("Ligne %(line)s : une cellule dépasse %(max)s caractères.") % {"line": reader.line_num, "max": MAX_CELL_CHARS}
                ) from error
            raise ImportFileError(_("Fichier CSV illisible : %(error)s.") % {"error": error}) from error

    def export_data(self, dataset, **kwargs):
        dataset = neutralise_dataset(dataset)
        out = io.StringIO(newline="")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        for row in dataset:
            writer.writerow(["" if cell is None else cell for cell in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


class FrenchXLSX(base_formats.XLSX):
    """XLSX, active sheet; unreadable, oversized or hostile workbooks are refused with a French
    message before openpyxl builds anything (spreadsheet_guard.check_xlsx)."""

    def create_dataset(self, in_stream):
        from openpyxl import load_workbook

        _check_size(in_stream)
        check_xlsx(in_stream)
        try:
            book = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
            try:
                sheet = book.active
                # The declared dimension was checked, but openpyxl would pad every row to it:
                # rows are read as they are in the file.
                sheet.reset_dimensions()
                return _build_dataset(sheet.iter_rows(values_only=True))
            finally:
                book.close()
        except ImportFileError:
            raise
        except Exception as error:  # zipfile, XML and openpyxl errors: all mean "not a workbook"
            raise ImportFileError(_("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.")) from error

    def export_data(self, dataset, **kwargs):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # Control characters (a name pasted with a \x01) would make openpyxl refuse the whole file.
        def printable(cell):
            return ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell) if isinstance(cell, str) else cell

        dataset = neutralise_dataset(dataset)
        clean = tablib.Dataset(headers=[printable(h) for h in dataset.headers] if dataset.headers else None, title=dataset.title)
        for row in dataset:
            clean.append([printable(cell) for cell in row])
        return super().export_data(clean, **kwargs)


IMPORT_FORMATS = [FrenchCSV, FrenchXLSX]


# --- widgets ---------------------------------------------------------------------------------


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


class SpreadsheetResult(Result):
    """Numbers errors by spreadsheet line (the header is line 1, the first data row line 2)."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]

    def error_lines(self):
        """{line: [French messages]} of every refused row, for tests and messages."""
        lines = {}
        for invalid in self.invalid_rows:
            lines[invalid.number] = [str(m) for messages in invalid.error_dict.values() for m in messages]
        for line, errors in self.row_errors():
            lines.setdefault(line, []).extend(str(error.error) for error in errors)
        return lines


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Finds the existing row for each line from a cache the resource builds in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.load_existing(dataset)

    def get_instance(self, row):
        key = self.resource.instance_key(row)
        return None if key is None else self.instances.get(key)


class SpreadsheetResource(resources.ModelResource):
    """Base of every import: strict, all-or-nothing, French, matching by natural keys only.

    Subclasses declare their fields (column names are the French headers), `required_columns`,
    `key_columns` (the natural key of a line, used for duplicates), and implement
    `load_existing(dataset)` / `instance_key(row)`.
    """

    required_columns = ()
    key_columns = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self._show_diff = False
        self._left = None
        # Own copy of the options: import_data turns the library's diff off without touching the class.
        self._meta = copy.copy(type(self)._meta)
        self._import_fields = None
        self._original_values = None

    def get_import_fields(self):
        # Asked several times per line by the library; the fields do not change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    # -- the whole file ------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # Never half-applied: one transaction, rolled back on any row error (validation included).
        kwargs["rollback_on_validation_errors"] = True
        kwargs.pop("collect_failed_rows", None)
        # The preview (dry run) shows each line's diff; the confirmed import only writes. The
        # library's own diff deep-copies every instance (a third of the time of a large file):
        # it stays off, and after_import_row builds the same diff from values kept in
        # after_init_instance.
        self._meta.skip_diff = True
        self._show_diff = dry_run
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        if getattr(self, "_prepared", False):
            return  # already done by import_data_inner, which needs its outcome first
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]
        headers = [normalise_header(h) for h in (dataset.headers or [])]
        known = {field.column_name for field in self.fields.values()}
        missing = [column for column in self.required_columns if column not in headers]
        if missing:
            raise ImportFileError(
                _("Colonnes manquantes : %(missing)s. Colonnes attendues : %(expected)s.")
                % {"missing": ", ".join(missing), "expected": ", ".join(self.get_export_headers())}
            )
        seen = set()
        for header in headers:
            if header and header in seen and header in known:
                raise ImportFileError(_("La colonne « %(column)s » apparaît deux fois.") % {"column": header})
            seen.add(header)
        rows = [[restore_formula_text(cell.strip() if isinstance(cell, str) else cell) for cell in row] for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        self._lines_by_key = {}
        self.prepare_caches(dataset)
        self._prepared = True

    def prepare_caches(self, dataset):
        """Loads related objects for NaturalKeyWidget fields, once for the whole file."""

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        # A file-level error (missing column...) makes every row meaningless: report it alone,
        # without reading the rows.
        self._prepared = False
        try:
            self.before_import(dataset, **kwargs)
        except Exception as error:
            if not isinstance(error, ImportFileError):
                logger.exception("Spreadsheet import: unexpected error before reading the rows")
                error = ImportFileError(_("Le fichier n'a pas pu être lu : vérifiez ses en-têtes et son format."))
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            self.handle_import_error(result, error, raise_errors)
            return result
        return super().import_data_inner(dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs)

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, ValidationError):
            error = ImportFileError(message_of(error))
        super().handle_import_error(result, error, raise_errors)

    # -- one line ------------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        duplicate = self._duplicate_of(row, kwargs.get("row_number", 0) + 1)
        if duplicate:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                {NON_FIELD_ERRORS: [_("Doublon de la ligne %(line)s.") % {"line": duplicate}]}
            )
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def _duplicate_of(self, row, line):
        if not self.key_columns:
            return None
        key = tuple(natural(row.get(column) or "") for column in self.key_columns)
        if not all(key):
            return None
        first = self._lines_by_key.setdefault(key, line)
        return first if first != line else None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if field.readonly:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
        if not errors:
            try:
                self.validate_row(instance, row, **kwargs)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An empty optional cell never writes NULL into a NOT NULL column (issue 13: MariaDB's
        # "1048 Column cannot be null", with no line number): the column keeps its current value,
        # or the model's default on creation (the defaults docs/imports.md lists); a column with
        # no default is then a French error on this line.
        column = self._model_column(field)
        if column is not None and field.column_name in row and field.clean(row, **kwargs) is None:
            if not instance._state.adding:
                return
            if not column.has_default():
                raise ValueError(_("Cette cellule est obligatoire."))
            setattr(instance, column.attname, column.get_default())
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def _model_column(self, field):
        """The NOT NULL model column a field writes to directly, else None."""
        if field.readonly or not field.attribute or "__" in field.attribute:
            return None
        try:
            column = self._meta.model._meta.get_field(field.attribute)
        except FieldDoesNotExist:
            return None
        return None if column.null or column.is_relation else column

    def save_instance(self, instance, is_create, row, **kwargs):
        # Last line of defence: whatever the checks above missed, a refusal by the database is
        # a French error on this line (with the others), never a file-level error that hides
        # them. The savepoint keeps the import's transaction usable after the refusal. (Bulk
        # resources only queue the instance here.)
        if self._meta.use_bulk:
            return super().save_instance(instance, is_create, row, **kwargs)
        try:
            with transaction.atomic():
                super().save_instance(instance, is_create, row, **kwargs)
        except DatabaseError as error:
            logger.warning("Spreadsheet import: the database refused a line: %s", error)
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Ligne refusée par la base de données : vérifiez que chaque valeur est complète et dans les limites.")]}
            ) from error

    def validate_row(self, instance, row, **kwargs):
        """Checks across cells, raising ValidationError({column: message}). Subclasses extend."""

    def _values(self, instance):
        return tuple(field.get_value(instance) for field in self.get_import_fields())

    def after_init_instance(self, instance, new, row, **kwargs):
        # Remembered here rather than taken from the library's deep copy (see import_data).
        self._current = (instance, new)
        self._original_values = None if new else self._values(instance)
        self._left = [field.export(instance) for field in self.get_import_fields()] if self._show_diff else None

    def after_import_row(self, row, row_result, **kwargs):
        if self._left is not None and row_result.import_type in RowResult.valid_import_types and row_result.diff is None:
            instance, new = self._current
            diff = self.get_diff_class().__new__(self.get_diff_class())
            diff.left, diff.new = self._left, new
            diff.compare_with(self, instance)
            row_result.diff = diff.as_html()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Unchanged rows are skipped (and shown as such in the preview): re-importing an
        # export changes nothing and leaves no history row.
        if import_validation_errors or self._original_values is None:
            return False
        return self._values(instance) == self._original_values

    # -- export --------------------------------------------------------------------------------

    def get_diff_headers(self):
        return [field.column_name for field in self.get_import_fields()]
