"""QUALITY.md → Security → Headers, errors, logging (the logging lines: test_logging.py)."""

import pytest
from django.test import Client

from tests.security.production import run, setting


def test_check_deploy_with_production_settings_prints_no_issue():
    result = run("manage.py", "check", "--deploy", "--fail-level", "DEBUG")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run("manage.py", "check", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_uses_host_prefixed_secure_cookies():
    assert setting("SESSION_COOKIE_NAME") == "__Host-sessionid"
    assert setting("CSRF_COOKIE_NAME") == "__Host-csrftoken"
    assert setting("SESSION_COOKIE_SECURE") == "True"
    assert setting("CSRF_COOKIE_SECURE") == "True"
    assert setting("SECURE_HSTS_SECONDS") == str(365 * 24 * 3600)


def test_security_headers_on_every_page(anonymous):
    response = anonymous.get("/", secure=True)

    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]:
        assert directive in csp
    script_src = next(part for part in csp.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_for_logged_in_users_are_not_cached(member, org_a):
    for path in ["/", "/organisationen/", f"/organisationen/{org_a.slug}/", "/konto/"]:
        assert "no-store" in member.get(path)["Cache-Control"], path


@pytest.mark.parametrize("method", ["trace", "put", "patch", "delete"])
def test_unsupported_methods_answer_405(anonymous, method, org_a):
    for path in ["/treffen/", f"/organisationen/{org_a.slug}/"]:
        response = getattr(anonymous, method)(path) if method != "trace" else anonymous.trace(path)
        assert response.status_code == 405, (method, path)


def test_error_pages_are_german_and_show_no_traceback(settings, member):
    client = Client(raise_request_exception=False)
    not_found = client.get("/gibt-es-nicht/")
    assert not_found.status_code == 404
    assert "Seite nicht gefunden" in not_found.text
    # A personal link that opens nothing says so and whom to ask.
    for path in ["/rundmail/abgelaufen/", "/einladung/abgelaufen/", "/eintrag/abgelaufen/"]:
        old_link = client.get(path)
        assert old_link.status_code == 404
        assert "Dieser Link funktioniert nicht (mehr)" in old_link.text, path
        assert f"mailto:{settings.NETWORK_EMAIL}" in old_link.text

    forbidden = member.get("/geschaeftsstelle/")
    assert forbidden.status_code == 403
    assert "Kein Zugriff" in forbidden.text or "keine Berechtigung" in forbidden.text

    bad = Client(raise_request_exception=False).get("/", HTTP_HOST="böse.example")
    assert bad.status_code == 400
    assert "Traceback" not in bad.text and "<html" in bad.text


def test_server_error_page_is_german_without_traceback(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    text = response.content.decode()
    assert "Fehler auf dem Server" in text and "Traceback" not in text
