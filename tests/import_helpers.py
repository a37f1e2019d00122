"""Drives the admin import pages as a user does: upload, read the preview, confirm."""
import html
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile

FORMAT_INDEX = {"csv": "0", "xlsx": "1"}  # order of product.imports.IMPORT_FORMATS

ADMIN_URLS = {
    "unites": "/admin/product/unit/",
    "ingredients": "/admin/product/ingredient/",
    "produits": "/admin/product/product/",
    "recettes": "/admin/product/recipeline/",
    "inventaire": "/admin/pizzeria/stock/",
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
        "history": sum(m.history.count() for m in (Unit, Ingredient, Product, RecipeLine, Stock)),
    }
