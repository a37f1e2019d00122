"""The admin's error pages (ocpizza/errors.py, issue 14): built without the admin's list of apps
and sidebar, which unfold's page without menus does not show, they come out the same as with
them, for staff and customers alike, and cost a staff member's 403 or 404 far fewer queries."""
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocpizza import errors


def _page(rf, user, view):
    request = rf.get("/admin/order/order/0/change/", HTTP_REFERER="http://testserver/admin/")
    request.user = user
    request.session = SessionStore()
    with CaptureQueriesContext(connection) as queries:
        response = view(request)
    # The CSRF token of the page's forms (logout) is drawn anew for each rendering.
    return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()), len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["head_office", "manager", "pizzaiolo", "customer"])
@pytest.mark.parametrize("view", [errors.permission_denied, errors.page_not_found])
def test_the_admin_error_page_is_the_same_without_the_navigation(rf, demo_users, role, view, monkeypatch):
    status, light, light_queries = _page(rf, demo_users[role], view)
    monkeypatch.setattr(errors, "_as_visitor", lambda request: request)  # each_context with the real user
    full_status, full, full_queries = _page(rf, demo_users[role], view)
    assert status == full_status and status in (403, 404)
    assert "accueil de la gestion" in light  # the admin's page, not the site's
    assert light == full
    if role != "customer":
        assert light_queries < full_queries, (light_queries, full_queries)
