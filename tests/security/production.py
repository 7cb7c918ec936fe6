"""Run Django with production settings in a child process (the tests themselves run with
TESTING=1), for checks that only hold with DEBUG off and without the test switches."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "TESTING": "0",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-enough-4f9c2b7e1d",
    "ALLOWED_HOSTS": "netzwerk.example.org",
    "SITE_URL": "https://netzwerk.example.org",
    "SMTP_HOST": "smtp.example.org",
}


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DEBUG",
            "TESTING",
            "SECRET_KEY",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for Playwright
        )
    }
    return subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment | PRODUCTION_ENV | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def setting(name: str, **env: str) -> str:
    result = run(
        "-c",
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})",
        DJANGO_SETTINGS_MODULE="netzwerk.settings",
        **env,
    )
    assert result.returncode == 0, result.stderr[-1500:]
    return result.stdout.strip()
