"""F-ADM-7 in Chromium: head office imports a menu file from the product list, reads the preview,
confirms; a file with a bad line shows the line and its reason, and nothing is written."""
import pytest
from playwright.sync_api import expect

from product.models import Product
from tests.browser.helpers import admin_login
from tests.support.import_helpers import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def choose_file(page, name, content):
    page.set_input_files("input[name=import_file]", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.select_option("select[name=format]", label="csv")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()


def test_menu_import_preview_then_confirm(page, live_server, demo_users):
    admin_login(page, live_server, "siege@ocpizza.fr", then="/admin/product/product/")
    page.get_by_role("link", name="Importer").first.click()
    page.wait_for_url("**/admin/product/product/import/")
    expect(page.locator("#import-templates a").first).to_have_attribute("href", "/admin/product/product/import/modele.csv")

    # a file with a bad line: listed with its line number, no confirmation possible
    bad = csv_bytes([["identifiant", "nom", "prix", "prix_remise"], ["focaccia", "Focaccia", "6,50", ""],
                     ["reine", "Reine", "11,50", "13"]])
    choose_file(page, "carte.csv", bad)
    expect(page.get_by_text("doit être inférieur au prix")).to_be_visible()
    expect(page.locator("table.import-preview")).to_contain_text("3")
    expect(page.get_by_role("button", name="Confirmer l’importation")).to_have_count(0)
    assert not Product.objects.filter(slug="focaccia").exists()

    good = csv_bytes([["identifiant", "nom", "prix", "prix_remise"], ["focaccia", "Focaccia", "6,50", ""],
                      ["reine", "Reine", "11,50", "10,90"]])
    choose_file(page, "carte.csv", good)
    preview = page.locator("table.import-preview-table")
    expect(preview).to_contain_text("Focaccia")
    expect(preview.locator("tr.new")).to_have_count(1)
    expect(preview.locator("tr.update")).to_have_count(1)
    assert not Product.objects.filter(slug="focaccia").exists()  # still only a preview

    page.get_by_role("button", name="Confirmer l’importation").click()
    page.wait_for_url("**/admin/product/product/")
    expect(page.get_by_text("Import terminé : 1 créé(s), 1 modifié(s)")).to_be_visible()
    assert Product.objects.get(slug="focaccia").history.get().history_user == demo_users["head_office"]
    assert str(Product.objects.get(slug="reine").discount_price) == "10.90"
