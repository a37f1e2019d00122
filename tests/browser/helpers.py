"""Steps shared by the browser tests."""


def admin_login(page, live_server, email, password="pizza-demo-2026"):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/**")


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
