"""The public site's Content-Security-Policy blocks nothing the site itself needs (Chromium)."""
import re

import pytest

from tests.conftest import DEMO_PASSWORD

COLLECT = """() => {
  window.__cspViolations = window.__cspViolations || [];
  document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""


@pytest.mark.django_db(transaction=True)
def test_no_csp_violation_from_browsing_to_the_card_form(page, live_server, stripe_local, demo_users):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(f"({COLLECT})()")

    def visit(url):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__cspViolations || []"))

    visit(f"{live_server.url}/")
    visit(f"{live_server.url}/compte/connexion/")
    page.fill("input[name=username]", demo_users["customer"].email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    visit(f"{live_server.url}/pizzeria/bastille/")
    page.locator("form.add button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    visit(f"{live_server.url}/panier/")
    visit(f"{live_server.url}/commande/")
    page.check("input[name=fulfilment][value=pickup]")
    page.check("input[name=payment_method][value=card_online]")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/paiement/$"))
    page.wait_for_load_state("networkidle")
    violations.extend(page.evaluate("window.__cspViolations || []"))
    assert page.locator("#payment-form").is_visible()
    assert not violations, violations
