"""Caps on uploaded spreadsheets, checked BEFORE any row is materialised (issue 13 M2).

A small XLSX can unfold into gigabytes: a declared dimension of A1:XFD1048576 makes openpyxl's
read-only reader pad every row to 16 384 cells and every sheet to a million rows; one cell in
column XFD per row does the same without any dimension; a shared-strings part of millions of
entries is loaded whole; a deflated member can be a thousand times its compressed size.

`check_xlsx` therefore reads the zip's central directory first (number of members, each
member's and the total uncompressed size, compression ratio), then streams every XML part
through defusedxml's SAX parser (no DTD, no entity: it also closes the XML entity attacks),
counting as it goes and stopping at the first cap exceeded: declared dimension, rows, columns,
characters per cell, shared strings (declared and actual count, total characters), elements of
the other parts. Nothing is kept but counters, so a refusal costs a few MB and milliseconds,
and a file that passes can be read by openpyxl within bounded memory.

The CSV caps (size, rows, columns, cell length) are applied while reading, in product.spreadsheet_formats.
"""
import io
import re
import zipfile
from xml.sax import SAXException
from xml.sax.handler import ContentHandler, feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # 2 Mio: a 10 000-line recipe file is ~400 Kio
MAX_IMPORT_ROWS = 20_000  # data rows, the header line not counted
MAX_IMPORT_COLUMNS = 50  # the widest import has 7 columns
MAX_CELL_CHARS = 10_000  # a product description is a paragraph

# A 20 000-line, 7-column workbook written by Excel or openpyxl is ~7 Mio of sheet XML.
XLSX_MAX_MEMBERS = 200
XLSX_MAX_TOTAL_BYTES = 32 * 1024 * 1024
XLSX_MAX_MEMBER_BYTES = 16 * 1024 * 1024
XLSX_MAX_RATIO = 100  # uncompressed / compressed, for members over XLSX_RATIO_FROM bytes
XLSX_RATIO_FROM = 1024 * 1024
XLSX_MAX_SHARED_STRINGS = 200_000
XLSX_MAX_SHARED_CHARS = 8_000_000
XLSX_MAX_OTHER_ELEMENTS = 100_000  # styles, workbook, relationships...: a few hundred in practice
XLSX_MAX_ELEMENTS_PER_CELL = 200  # a rich-text cell is a handful of runs

_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)$")
_COLUMN_REF = re.compile(r"\$?([A-Za-z]{1,3})")


class ImportFileError(Exception):
    """The file as a whole cannot be read: the message is French and shown as is."""


def _mio(size):
    return round(size / (1024 * 1024))


def _column_index(letters):
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def _too_many_columns(column):
    return ImportFileError(
        _("Le classeur utilise la colonne %(column)s : au plus %(max)s colonnes sont acceptées. Supprimez les colonnes en trop.")
        % {"column": column, "max": MAX_IMPORT_COLUMNS}
    )


def _too_many_rows(line):
    return ImportFileError(
        _(
            "Le classeur va jusqu'à la ligne %(line)s : au plus %(max)s lignes sont acceptées "
            "(découpez le fichier, ou supprimez les lignes vides du bas)."
        )
        % {"line": line, "max": MAX_IMPORT_ROWS}
    )


def _cell_too_long(line):
    return ImportFileError(
        _("Ligne %(line)s : une cellule dépasse %(max)s caractères.")
        % {"line": line, "max": MAX_CELL_CHARS}
    )


class _PartHandler(ContentHandler):
    """Counts what openpyxl would build from one XML part; raises at the first cap exceeded."""

    def __init__(self):
        super().__init__()
        self.kind = None  # worksheet, sst (shared strings) or other, from the root element
        self.elements = 0  # of a part other than the sheet data
        # worksheet
        self.in_sheet_data = False
        self.row = 0
        self.column = 0
        self.cell_chars = 0
        self.cell_elements = 0
        self.in_cell = False
        # shared strings
        self.strings = 0
        self.string_chars = 0
        self.total_chars = 0

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if self.kind is None:
            self.kind = local if local in ("worksheet", "sst") else "other"
            if self.kind == "sst":
                self._check_declared_strings(attrs)
            return
        if self.kind == "worksheet":
            self._sheet_element(local, attrs)
        elif self.kind == "sst":
            if local == "si":
                self.strings += 1
                self.string_chars = 0
                if self.strings > XLSX_MAX_SHARED_STRINGS:
                    raise self._too_many_strings()
        else:
            self._count_other()

    def _count_other(self):
        # styles, relationships, or a sheet's merged cells, hyperlinks...: openpyxl keeps each one
        self.elements += 1
        if self.elements > XLSX_MAX_OTHER_ELEMENTS:
            raise ImportFileError(_("Ce classeur contient une partie anormalement grande : il ne peut pas être lu."))

    def endElementNS(self, name, qname):
        local = name[1]
        if self.kind == "worksheet":
            if local == "sheetData":
                self.in_sheet_data = False
            elif local == "c":
                self.in_cell = False

    def characters(self, content):
        if self.kind == "worksheet" and self.in_cell:
            self.cell_chars += len(content)
            if self.cell_chars > MAX_CELL_CHARS:
                raise _cell_too_long(self.row)
        elif self.kind == "sst":
            self.string_chars += len(content)
            self.total_chars += len(content)
            if self.string_chars > MAX_CELL_CHARS:
                raise ImportFileError(
                    _("Une cellule de texte dépasse %(max)s caractères.") % {"max": MAX_CELL_CHARS}
                )
            if self.total_chars > XLSX_MAX_SHARED_CHARS:
                raise self._too_many_strings()

    # -- worksheet ---------------------------------------------------------------------------------

    def _sheet_element(self, local, attrs):
        if local == "sheetData":
            self.in_sheet_data = True
        elif local == "dimension":
            self._check_dimension(attrs.get((None, "ref"), ""))
        elif local == "row" and self.in_sheet_data:
            declared = attrs.get((None, "r"))
            self.row = int(declared) if declared and declared.isdigit() else self.row + 1
            self.column = 0
            if self.row > MAX_IMPORT_ROWS + 1:
                raise _too_many_rows(self.row)
        elif local == "c" and self.in_sheet_data:
            self.in_cell = True
            self.cell_chars = 0
            self.cell_elements = 0
            reference = _CELL_REF.match(attrs.get((None, "r"), "") or "")
            if reference:
                self.column = _column_index(reference.group(1))
                self.row = max(self.row, int(reference.group(2)))
                if self.row > MAX_IMPORT_ROWS + 1:
                    raise _too_many_rows(self.row)
            else:
                self.column += 1
            if self.column > MAX_IMPORT_COLUMNS:
                raise _too_many_columns(reference.group(1).upper() if reference else self.column)
        elif self.in_cell:
            self.cell_elements += 1
            if self.cell_elements > XLSX_MAX_ELEMENTS_PER_CELL:
                raise _cell_too_long(self.row)
        elif not self.in_sheet_data:
            self._count_other()

    def _check_dimension(self, ref):
        last = ref.split(":")[-1]
        match = _CELL_REF.match(last) or _COLUMN_REF.fullmatch(last)
        if not match:
            return  # unusable: openpyxl ignores it too, and the cells are counted one by one
        if _column_index(match.group(1)) > MAX_IMPORT_COLUMNS or (
            match.lastindex == 2 and int(match.group(2)) > MAX_IMPORT_ROWS + 1
        ):
            raise ImportFileError(
                _(
                    "Le classeur déclare une plage de cellules %(ref)s : au plus %(columns)s colonnes et "
                    "%(rows)s lignes sont acceptées. Enregistrez le fichier depuis votre tableur après avoir "
                    "supprimé les lignes et colonnes vides, ou utilisez le modèle."
                )
                % {"ref": ref[:40], "columns": MAX_IMPORT_COLUMNS, "rows": MAX_IMPORT_ROWS + 1}
            )

    # -- shared strings ----------------------------------------------------------------------------

    def _check_declared_strings(self, attrs):
        for attribute in ("uniqueCount", "count"):
            declared = attrs.get((None, attribute))
            if declared and declared.isdigit() and int(declared) > XLSX_MAX_SHARED_STRINGS * (1 if attribute == "uniqueCount" else 50):
                raise self._too_many_strings()

    def _too_many_strings(self):
        return ImportFileError(
            _("Le classeur contient trop de textes (plus de %(max)s textes différents ou %(chars)s caractères) : découpez-le.")
            % {
                "max": XLSX_MAX_SHARED_STRINGS,
                "chars": XLSX_MAX_SHARED_CHARS,
            }
        )


def _looks_like_xml(head):
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 byte order marks
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def check_xlsx(data):
    """Raises ImportFileError (French) unless the workbook `data` (bytes) is within every cap."""
    unreadable = ImportFileError(_("Ce fichier n'est pas un classeur Excel (.xlsx) lisible."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise unreadable from error
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError(_("Ce classeur contient trop de parties (%(count)s) : il ne peut pas être lu.") % {"count": len(members)})
    total = sum(member.file_size for member in members)
    biggest = max((member.file_size for member in members), default=0)
    if total > XLSX_MAX_TOTAL_BYTES or biggest > XLSX_MAX_MEMBER_BYTES:
        raise ImportFileError(
            _(
                "Une fois décompressé, ce classeur ferait %(size)s Mio, dont %(part)s Mio pour une seule partie "
                "(au plus %(max)s Mio, et %(max_part)s Mio par partie) : il ne peut pas être importé. "
                "Découpez-le ou enregistrez-le en CSV."
            )
            % {"size": _mio(total), "part": _mio(biggest), "max": _mio(XLSX_MAX_TOTAL_BYTES), "max_part": _mio(XLSX_MAX_MEMBER_BYTES)}
        )
    for member in members:
        if member.file_size > XLSX_RATIO_FROM and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1):
            raise ImportFileError(
                _("Ce classeur est anormalement compressé (%(ratio)s fois) : il ne peut pas être importé.")
                % {"ratio": member.file_size // max(member.compress_size, 1)}
            )
    try:
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as stream:
                if not _looks_like_xml(stream.read(64)):
                    continue  # images, printer settings...: openpyxl's read-only mode skips them
            with archive.open(member) as stream:
                parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
                parser.setFeature(feature_namespaces, True)
                parser.setContentHandler(_PartHandler())
                parser.parse(stream)
    except ImportFileError:
        raise
    except DefusedXmlException as error:
        raise ImportFileError(
            _("Ce classeur contient des déclarations XML interdites (DTD, entités) : il ne peut pas être lu.")
        ) from error
    except (SAXException, zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise unreadable from error
