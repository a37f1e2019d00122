"""Drives the admin import pages as a user does: upload, read the preview, confirm."""
import html
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile

FORMAT_INDEX = {"csv": "0", "xlsx": "1"}  # order of product.spreadsheet_formats.IMPORT_FORMATS

ADMIN_URLS = {
    "unites": "/admin/product/unit/",
    "ingredients": "/admin/product/ingredient/",
    "produits": "/admin/product/product/",
    "recettes": "/admin/product/recipeline/",
    "inventaire": "/admin/pizzeria/stock/",
    "tailles": "/admin/product/size/",
    "prix_par_taille": "/admin/product/productsize/",
    "supplements": "/admin/product/extra/",
    "prix_supplements": "/admin/product/extraprice/",
    "taux_tva": "/admin/books/vatrate/",
}


def csv_bytes(rows, *, delimiter=";", bom=True):
    """French-spreadsheet CSV: rows of cells (first row: headers)."""
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, kind, content, *, name=None, fmt="csv"):
    """POST the file to the import page; returns the preview (or error) response."""
    name = name or f"{kind}.{fmt}"
    return client.post(
        ADMIN_URLS[kind] + "import/",
        {"resource": "0", "format": FORMAT_INDEX[fmt], "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, kind, preview):
    """Submits the preview page's confirmation form, as the "Confirmer" button does."""
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(ADMIN_URLS[kind] + "process_import/", data)


def import_file(client, kind, content, *, fmt="csv", name=None):
    """Upload then confirm; asserts the preview had no error. Returns (preview, final response)."""
    preview = upload(client, kind, content, fmt=fmt, name=name)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, page_errors(preview)
    done = confirm(client, kind, preview)
    assert done.status_code == 302, done.content[:2000]
    return preview, done


def page_errors(response):
    """What the user reads as errors: form errors, file errors and {line: [messages]}."""
    context = response.context
    errors = {}
    form = context.get("form")
    if form is not None and form.errors:
        errors["form"] = [str(m) for messages in form.errors.values() for m in messages]
    result = context.get("result")
    if result is not None:
        if result.base_errors:
            errors["file"] = [str(error.error) for error in result.base_errors]
        errors.update(result.error_lines())
    return errors


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def snapshot():
    """Every business value an import may touch, to compare before/after."""
    from books.models import VatRate
    from pizzeria.models import Stock, StockMovement
    from product.models import Ingredient, Product, RecipeLine, Unit

    return {
        "units": sorted(Unit.objects.values_list("symbol", "name", "updated_at")),
        "ingredients": sorted(Ingredient.objects.values_list("name", "unit__symbol", "low_stock_threshold", "updated_at")),
        "products": sorted(
            Product.objects.values_list("slug", "name", "category", "description", "price", "discount_price", "is_active", "updated_at")
        ),
        "recipes": sorted(RecipeLine.objects.values_list("product__slug", "ingredient__name", "quantity", "updated_at")),
        "stock": sorted(Stock.objects.values_list("pizzeria__slug", "ingredient__name", "quantity", "updated_at")),
        "movements": StockMovement.objects.count(),
        "history": sum(m.history.count() for m in (Unit, Ingredient, Product, RecipeLine, Stock, VatRate)),
        "vat_rates": sorted(VatRate.objects.values_list("category", "rate", "valid_from", "valid_until", "note", "updated_at")),
    }


def raw_xlsx(sheet_xml, *, shared_strings=None, extra=None, compresslevel=6):
    """A minimal workbook written part by part with zipfile, for hostile files that no
    spreadsheet program would write (issue 13 M2). `sheet_xml`, `shared_strings`: bytes, or
    an iterable of byte chunks (streamed into the archive: a bomb is never held whole)."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
               if shared_strings is not None else "")
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>' if shared_strings is not None else "")
            + "</Relationships>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, content in [("xl/worksheets/sheet1.xml", sheet_xml), ("xl/sharedStrings.xml", shared_strings), *(extra or {}).items()]:
            if content is None:
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in [content] if isinstance(content, bytes) else content:
                    member.write(chunk)
    return out.getvalue()


SHEET_NS = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def inline_row(line, cells):
    """One <row> of inline-string / number cells, columns A, B, C..."""
    out = [f'<row r="{line}">']
    for index, value in enumerate(cells):
        ref = f"{chr(65 + index)}{line}"
        if isinstance(value, (int, float)):
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    out.append("</row>")
    return "".join(out).encode()
