"""The file formats of spreadsheet imports and exports (F-ADM-7): CSV as a French spreadsheet
writes it (`;` or `,` separators, decimal commas, UTF-8 with or without BOM) and XLSX.

Files are read under the caps of product.spreadsheet_guard (size, lines, columns, cell length),
row by row, so that a hostile file is refused with a French error before it is held in memory;
exports go through neutralise_dataset (product.spreadsheet_formulas).
"""
import csv
import io

import tablib
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from product.spreadsheet_cells import is_blank
from product.spreadsheet_formulas import neutralise_dataset
from product.spreadsheet_guard import (
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    ImportFileError,
    check_xlsx,
)


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
