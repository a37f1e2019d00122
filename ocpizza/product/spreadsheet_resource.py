"""`SpreadsheetResource`, the base of every import resource (F-ADM-7), and its result.

django-import-export does the work (preview, diff, transaction); this base makes it strict:
headers normalised, missing columns and duplicate rows refused, errors keyed by column and
numbered by spreadsheet line, nothing written unless the whole file is valid, formulas
neutralised by the export formats restored on import.
"""
import copy
import logging

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from import_export import resources
from django.utils.encoding import force_str
from django.utils.html import format_html
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import Diff
from import_export.results import Result, RowResult

from ocpizza.business import message_of
from product.spreadsheet_cells import is_blank, natural, normalise_header
from product.spreadsheet_formulas import restore_formula_text
from product.spreadsheet_guard import ImportFileError

logger = logging.getLogger(__name__)


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


class CellDiff(Diff):
    """The preview's cells as "old → new" (issue 19). import-export's Diff compares the two
    values character by character: a stock of 6490 becoming 5400 read "6495400"."""

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right):
            old, new = force_str(old if old is not None else ""), force_str(new if new is not None else "")
            if self.new or old == new:
                cells.append(format_html("{}", new))
            elif not old:
                cells.append(format_html('<ins class="cell-new">{}</ins>', new))
            else:
                cells.append(format_html('<del class="cell-old">{}</del> → <ins class="cell-new">{}</ins>', old, new or "—"))
        return cells


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

    def get_diff_class(self):
        return CellDiff

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
