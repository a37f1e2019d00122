"""Issue 13 M2: hostile workbooks (small files that unfold into gigabytes) are refused with a
French reason before any row is materialised, within a few MB, and nothing is written.

The bombs are built here with zipfile, the way an attacker would, never with a spreadsheet
program: a declared dimension of A1:XFD1048576, a cell in column XFD on every row, a
shared-strings part of millions of entries, an abnormally compressed member, an XML entity
expansion. Memory is measured in a child process (tracemalloc and the peak resident size),
which also runs under an address-space limit so that a regression fails instead of eating
the machine.
"""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.import_helpers import SHEET_NS, csv_bytes, inline_row, page_errors, raw_xlsx, snapshot, text_of, upload, xlsx_bytes

HEADER = ["produit", "ingredient", "quantite"]
REPO = Path(__file__).resolve().parents[2]


def dimension_bomb():
    """~1 Kio: the declared dimension alone made openpyxl pad 16 384 columns x 1 048 576 rows."""
    return raw_xlsx(SHEET_NS + b'<dimension ref="A1:XFD1048576"/><sheetData>'
                    + inline_row(1, HEADER) + inline_row(2, ["reine", "Roquette", 15]) + b"</sheetData></worksheet>")


def column_bomb(rows=4000):
    """~30 Kio: no dimension, but one cell in column XFD on each row."""
    def chunks():
        yield SHEET_NS + b"<sheetData>" + inline_row(1, HEADER)
        for line in range(2, rows + 2):
            yield inline_row(line, ["reine", "Roquette", 15])[:-len(b"</row>")] + f'<c r="XFD{line}"><v>1</v></c></row>'.encode()
        yield b"</sheetData></worksheet>"
    return raw_xlsx(chunks())


def shared_strings_bomb(entries=8_000_000):
    """~150 Kio: 8 million shared strings (136 Mio of XML), which openpyxl loads whole."""
    def chunks():
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        block = b"<si><t>x</t></si>" * 100_000
        for _ in range(entries // 100_000):
            yield block
        yield b"</sst>"
    sheet = SHEET_NS + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return raw_xlsx(sheet, shared_strings=chunks())


def shared_strings_count_bomb():
    """Within the size caps, but more distinct strings than any import needs."""
    entries = b"".join(f"<si><t>{i}</t></si>".encode() for i in range(250_000))
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + entries + b"</sst>")
    sheet = SHEET_NS + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return raw_xlsx(sheet, shared_strings=sst)


def ratio_bomb():
    """A 12 Mio member compressed a thousand times."""
    zeros = (b"\0" * (1024 * 1024) for _ in range(12))
    sheet = SHEET_NS + b"<sheetData>" + inline_row(1, HEADER) + inline_row(2, ["reine", "Roquette", 15]) + b"</sheetData></worksheet>"
    return raw_xlsx(sheet, extra={"xl/media/image1.png": zeros})


def entity_bomb():
    """Billion laughs in the shared strings."""
    sst = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&d;</t></si></sst>')
    sheet = SHEET_NS + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return raw_xlsx(sheet, shared_strings=sst)


def far_row_bomb():
    """A single cell on the workbook's last line: a million empty rows in between."""
    return raw_xlsx(SHEET_NS + b"<sheetData>" + inline_row(1, HEADER) + inline_row(1048576, ["reine", "Roquette", 15])
                    + b"</sheetData></worksheet>")


def long_cell_bomb():
    return raw_xlsx(SHEET_NS + b"<sheetData>" + inline_row(1, HEADER) + inline_row(2, ["reine", "R" * 20_000, 15])
                    + b"</sheetData></worksheet>")


BOMBS = {
    "dimension": (dimension_bomb, "déclare une plage de cellules A1:XFD1048576"),
    "column": (column_bomb, "utilise la colonne XFD"),
    "shared_strings": (shared_strings_bomb, "Une fois décompressé, ce classeur ferait 130 Mio"),
    "shared_strings_count": (shared_strings_count_bomb, "trop de textes"),
    "ratio": (ratio_bomb, "anormalement compressé"),
    "entities": (entity_bomb, "déclarations XML interdites"),
    "far_row": (far_row_bomb, "va jusqu'à la ligne 1048576"),
    "long_cell": (long_cell_bomb, "dépasse 10000 caractères"),
}


def test_the_bombs_are_small_files():
    assert len(dimension_bomb()) < 2_000
    assert len(column_bomb()) < 60_000
    assert len(shared_strings_bomb()) < 400_000
    with zipfile.ZipFile(__import__("io").BytesIO(shared_strings_bomb())) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size > 130_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_hostile_workbook_is_refused_in_french_and_nothing_is_written(demo_users, client_for, bomb):
    build, message = BOMBS[bomb]
    client = client_for(demo_users["head_office"])
    before = snapshot()
    response = upload(client, "recettes", build(), fmt="xlsx")
    assert response.status_code == 200
    errors = page_errors(response)
    assert any(message in text for texts in errors.values() for text in texts), errors
    assert message in text_of(response)
    assert response.context.get("confirm_form") is None
    assert snapshot() == before


MEASURE = r"""
import json, os, resource, sys, time, tracemalloc
import django
django.setup()
from product.spreadsheet_formats import FrenchXLSX
from product.spreadsheet_guard import ImportFileError

def vsize():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")

# A regression must fail, not swap the machine: 1.5 Gio of address space above today's.
limit = vsize() + 1536 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
out = {}
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        FrenchXLSX().create_dataset(data)
        message = None
    except ImportFileError as error:
        message = str(error)
    except MemoryError:
        message = "MemoryError"
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    out[os.path.basename(path)] = {"message": message, "peak_mb": peak / 1e6, "rss_growth_mb": grown / 1e3, "seconds": seconds}
print(json.dumps(out))
"""


def test_refusing_the_bombs_takes_a_few_megabytes(tmp_path):
    paths = []
    for name in ("dimension", "column", "shared_strings"):
        path = tmp_path / name
        path.write_bytes(BOMBS[name][0]())
        paths.append(str(path))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocpizza.settings", "APP_ENV": os.environ.get("APP_ENV", "test"),
           "PYTHONPATH": os.pathsep.join([str(REPO / "ocpizza"), str(REPO)])}
    done = subprocess.run([sys.executable, "-c", MEASURE, *paths], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    measures = json.loads(done.stdout.strip().splitlines()[-1])
    print(measures)  # shown with -s: the seconds are informative, only memory is asserted
    for name in ("dimension", "column", "shared_strings"):
        measure = measures[name]
        assert measure["message"] and BOMBS[name][1] in measure["message"], measure
        assert measure["peak_mb"] < 20, measure  # Python allocations while refusing the file
        assert measure["rss_growth_mb"] < 64, measure  # whole process, C allocations included


@pytest.mark.django_db
def test_a_full_size_honest_workbook_is_still_read(demo_users, client_for):
    """The caps leave room for the largest legitimate file: 20 000 lines."""
    from product.spreadsheet_formats import FrenchXLSX

    rows = [HEADER] + [[f"produit-{i}", "Ingrédient au nom assez long pour peser", 12.5] for i in range(20_000)]
    content = xlsx_bytes(rows)
    dataset = FrenchXLSX().create_dataset(content)
    assert len(dataset) == 20_000 and dataset[19_999][0] == "produit-19999"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows, message",
    [
        ([HEADER] + [["reine", "Roquette", "1"]] * 20_001, "plus de 20000 lignes"),
        ([HEADER + [""] * 60 + ["x"], ["reine", "Roquette", "1"]], "Ligne 1 : plus de 50 colonnes remplies."),
        ([HEADER, ["reine", "R" * 10_001, "1"]], "Ligne 2 : une cellule dépasse 10000 caractères."),
        ([HEADER, ["reine", "R" * 200_000, "1"]], "Ligne 2 : une cellule dépasse 10000 caractères."),
    ],
)
def test_csv_caps_rows_columns_and_cell_length(demo_users, client_for, rows, message):
    client = client_for(demo_users["head_office"])
    before = snapshot()
    response = upload(client, "recettes", csv_bytes(rows))
    errors = page_errors(response)
    assert any(message in text for texts in errors.values() for text in texts), errors
    assert snapshot() == before


def test_csv_of_blank_lines_is_not_held_in_memory():
    """2 Mio of separators and newlines: read line by line, blank lines never stored."""
    import tracemalloc

    from product.spreadsheet_formats import FrenchCSV
    from product.spreadsheet_guard import ImportFileError

    content = b"produit;ingredient;quantite\r\n" + b";;\r\n" * 500_000
    tracemalloc.start()
    with pytest.raises(ImportFileError, match="ne contient que les en-têtes"):
        FrenchCSV().create_dataset(content[: 2 * 1024 * 1024])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20_000_000
