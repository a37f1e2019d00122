"""Steps shared by the browser tests."""

DEMO_PASSWORD = "pizza-demo-2026"  # fixtures/demo.json


def admin_login(page, live_server, email, password=DEMO_PASSWORD, then=None):
    """Log in through the admin login form; with `then`, end on that page (where the login itself
    lands is the shared login view's business, not the calling test's: it is opened again only
    when the login went elsewhere, instead of loading it twice)."""
    page.goto(f"{live_server.url}/admin/login/" + (f"?next={then}" if then else ""))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/**")
    if then:
        page.wait_for_load_state()
        if page.url != f"{live_server.url}{then}":
            page.goto(f"{live_server.url}{then}")


def site_login(page, live_server, email="client@ocpizza.fr", password=DEMO_PASSWORD):
    """Log a customer in through the public site's login form."""
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def staff_session(page, live_server, email):
    """The browser holds a staff member's session without going through the login form.

    For the tests about a page of the back office, not about logging in (the form, the lockout and
    each role's landing page have their own browser tests: test_ux_roles, test_ux_pages'
    test_each_role_lands_on_its_own_screen, test_site_customer): the login page, its POST and the
    landing page were three page loads a test made only to get in. The session is a real one,
    made by Django's test client through the project's authentication backend; the browser gets
    its cookie for the live server."""
    from django.conf import settings
    from django.test import Client

    from account.models import User
    from tests.support.sessions import log_in

    client = log_in(Client(), User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}])
