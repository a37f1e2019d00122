"""The MySQL connection's TLS settings (O-1, issue 14): plain TCP said outright when DB_SSLMODE is
off, one TLS context per process when it is on, and the backups' mysqldump following the same
choice. The local MariaDB has no TLS, so the encrypted link itself is not exercised here."""
import copy
import ssl
from pathlib import Path

import pymysql
import pytest
from django.db import connection

from ocpizza.settings.database import tls_context
from ops.backups import _mysql_defaults_file

CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # Debian's, always there with ca-certificates


def _options_file(options):
    with _mysql_defaults_file({"USER": "ocpizza", "HOST": "db.internal", "OPTIONS": options}, "mariadb-dump") as path:
        return Path(path).read_text().splitlines()


def test_without_a_ca_the_link_is_encrypted_but_the_server_not_checked():
    context = tls_context("")
    assert isinstance(context, ssl.SSLContext)
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_NONE, False)
    assert "ssl" in _options_file({"ssl": context})


@pytest.mark.skipif(not Path(CA_BUNDLE).exists(), reason="no CA bundle on this machine")
def test_with_a_ca_the_server_certificate_and_name_are_checked():
    context = tls_context(CA_BUNDLE)
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert context.cert_store_stats()["x509_ca"] > 0
    lines = _options_file({"ssl": context})
    assert f"ssl-ca={CA_BUNDLE}" in lines
    assert "ssl-verify-server-cert" in lines


def test_the_context_is_shared_by_copies_of_the_settings():
    # Django deep-copies a connection's settings for a second connection (DatabaseWrapper.copy).
    context = tls_context("")
    options = {"ssl": context}
    assert copy.deepcopy(options)["ssl"] is context


def test_pymysql_takes_the_context_as_it_is():
    context = tls_context("")
    unconnected = pymysql.connections.Connection(host="127.0.0.1", ssl=context, defer_connect=True)
    assert unconnected.ctx is context


@pytest.mark.mysql
def test_off_means_no_tls_context_per_connection(db):
    # DB_SSLMODE=off (the tests, the local database): no TLS at all, so no context is built.
    assert connection.settings_dict["OPTIONS"]["ssl_disabled"] is True
    connection.ensure_connection()
    assert connection.connection.ssl is False
