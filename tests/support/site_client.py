"""A visitor of the production site for the multi-server test: its own cookies, HTTPS through
Nginx (SNI www.ocpizza.fr on a loopback port) or plain HTTP straight to one Gunicorn (with the
headers Nginx adds), every request recorded (method, path, start, end, status or error)."""
import http.client
import re
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

HOST = "www.ocpizza.fr"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Hit:
    method: str
    path: str
    started: float
    ended: float
    status: int  # 0: no answer (connection error)
    error: str = ""


class _TLSToLoopback(http.client.HTTPSConnection):
    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=HOST)


class Visitor:
    def __init__(self, *, https_port=None, app_port=None, log=None):
        self.https_port, self.app_port = https_port, app_port
        self.cookies = {}
        self.log = log if log is not None else []
        self._connection = None

    def through(self, *, https_port=None, app_port=None):
        """The same visitor (same cookies), now reaching the site another way."""
        self.close()
        self.https_port, self.app_port = https_port, app_port
        return self

    def _connect(self):
        if self._connection is None:
            if self.https_port:
                context = ssl.create_default_context()
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
                self._connection = _TLSToLoopback(HOST, self.https_port, timeout=60, context=context)
            else:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.app_port, timeout=60)
        return self._connection

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method, path, data=None, *, referer=None):
        headers = {"Referer": f"https://{HOST}{referer or path}"}
        if self.app_port and not self.https_port:
            # What Nginx adds (deploy/nginx/ocpizza.conf); Gunicorn trusts it from 127.0.0.1.
            headers.update({"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            connection = self._connect()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            self.log.append(Hit(method, path, started, time.monotonic(), 0, repr(exc)))
            return 0, "", ""
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        self.log.append(Hit(method, path, started, time.monotonic(), response.status))
        return response.status, response.getheader("Location", ""), text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, *, referer=None):
        return self.request("POST", path, data, referer=referer)

    def form_token(self, body):
        match = CSRF_RE.search(body)
        return match.group(1) if match else self.cookies.get("csrftoken", "")

    def login(self, email, password):
        _status, _location, body = self.get("/compte/connexion/")
        status, location, _body = self.post("/compte/connexion/", {
            "csrfmiddlewaretoken": self.form_token(body), "username": email, "password": password})
        return status == 302
