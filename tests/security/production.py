"""Run Django with production settings in a child process (the tests themselves run with
tests/settings.py), for checks that only hold with the production settings unchanged."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "netzwerk.settings",
    "DEBUG": "0",
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
        **env,
    )
    assert result.returncode == 0, result.stderr[-1500:]
    return result.stdout.strip()
