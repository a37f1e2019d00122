"""A real SMTP server on loopback (aiosmtpd) that the tests stop, start again and slow down.

    server = MailServer(port)      # nothing listens yet: the mail server is "down"
    server.start(); server.stop()  # up, down, up again on the same port
    server.hold()                  # the next MAIL FROM waits until release(): a slow mail server
    server.messages                # every message accepted (DATA answered 250), in order
"""
import asyncio
import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_MAIL(self, smtp, session, envelope, address, mail_options):
        if self.server._held.is_set():
            self.server.mail_started.set()
            while self.server._held.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        with self.server._lock:
            self.server.messages.append({"to": list(envelope.rcpt_tos), "subject": str(message["Subject"] or ""),
                                         "body": body.get_content() if body is not None else ""})
        return "250 Message accepted"


class MailServer:
    def __init__(self, port):
        self.port = port
        self.messages = []
        self.mail_started = threading.Event()
        self._held = threading.Event()
        self._lock = threading.Lock()
        self._controller = None

    def start(self):
        # The port was just freed by stop() (or handed out by free_port): retry while the kernel lets it go.
        for _ in range(100):
            controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, decode_data=False)
            try:
                controller.start()
            except (OSError, RuntimeError):
                time.sleep(0.1)
                continue
            self._controller = controller
            return self
        raise AssertionError(f"SMTP server could not listen on {self.port}")

    def stop(self):
        if self._controller is not None:
            self._held.clear()
            self._controller.stop()
            self._controller = None

    def hold(self):
        self.mail_started.clear()
        self._held.set()

    def release(self):
        self._held.clear()

    def subjects_to(self, address):
        with self._lock:
            return [m["subject"] for m in self.messages if address in m["to"]]
