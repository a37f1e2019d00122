"""The dashboard in Chromium: a manager logs in, sees their figures and drawn charts, changes
the period with the form and downloads a table (F-ADM-2)."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_dashboard_charts_period_and_export(page, live_server, demo_data):
    page.goto(f"{live_server.url}/admin/")  # the login page, then back here
    page.fill("input[name=username]", "gerant@ocpizza.fr")
    page.fill("input[name=password]", "pizza-demo-2026")
    page.click("button[type=submit]")
    expect(page.locator("#dashboard")).to_be_visible()
    expect(page.locator("#revenue-rule")).to_contain_text("livrées ou payées")
    # Chart.js (bundled with unfold) drew every chart of the page.
    drawn = page.evaluate("Array.from(document.querySelectorAll('canvas.chart')).map(c => !!Chart.getChart(c))")
    assert drawn and all(drawn)
    table = page.locator("table").filter(has_text="Total du groupe")
    expect(table).to_contain_text("OC Pizza Bastille")
    expect(table).not_to_contain_text("OC Pizza Boulogne")

    page.select_option("select[name=period]", "30d")
    page.locator("#dashboard-filters button[type=submit]").click()
    page.wait_for_url("**/admin/?period=30d*")
    expect(page.get_by_text("Ventes — 30 derniers jours")).to_be_visible()

    page.select_option("select[name=period]", "custom")
    page.fill("input[name=start]", "10/03/2026")
    page.fill("input[name=end]", "01/03/2026")
    page.locator("#dashboard-filters button[type=submit]").click()
    # the filters' alert (the kitchen's escalation banner, issue 17, may be an alert too)
    expect(page.get_by_role("alert").filter(has_text="Filtres invalides")).to_contain_text("La date de début doit précéder la date de fin.")

    page.select_option("select[name=period]", "7d")
    page.locator("#dashboard-filters button[type=submit]").click()
    with page.expect_download() as download:
        page.locator("a", has_text="Exporter en CSV").first.click()
    assert download.value.suggested_filename.startswith("ocpizza-ventes-par-pizzeria-")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "OC Pizza Bastille" in content and "Boulogne" not in content
