"""Steps shared by the browser tests."""


def admin_login(page, live_server, email, password="pizza-demo-2026"):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/**")
