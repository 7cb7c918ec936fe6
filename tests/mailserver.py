"""A real SMTP server on 127.0.0.1 (aiosmtpd) and the environment for worker processes that
send to it from the test database (PostgreSQL only: SQLite's test database is in memory)."""

import email
import os
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def worker_environment(smtp, site_url: str = "http://127.0.0.1") -> dict:
    """What a worker process needs to send from the test database to `smtp`."""
    database = connection.settings_dict
    return os.environ | {
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_STARTTLS": "0",
        "SITE_URL": site_url,
    }
