"""The application's log (O-8): a refused request is one line; a server error keeps its traceback."""
import logging

import pytest
from django.test import Client
from django.urls import include, path, reverse


def broken_view(request):
    raise RuntimeError("Four en panne")


urlpatterns = [path("en-panne/", broken_view), path("", include("ocpizza.urls"))]


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db
def test_a_refused_admin_page_is_logged_as_one_line(demo_users, client_for, caplog):
    # A pizzaiolo may not open the payments (tests/security/test_security_permissions_matrix.py).
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client_for(demo_users["pizzaiolo"]).get(reverse("admin:order_payment_changelist"))

    assert response.status_code == 403
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /admin/order/payment/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_keeps_its_traceback(caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = Client(raise_request_exception=False).get("/en-panne/")

    assert response.status_code == 500
    [record] = _request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "Traceback" in caplog.text and "RuntimeError: Four en panne" in caplog.text
