"""`make smoke`: the production stack as a whole, over HTTP only.

Caddy (deploy/Caddyfile, with a certificate of its own local authority instead of ACME) in
front of gunicorn with DEBUG off, Redis as the cache, the task worker (`manage.py worker`),
PostgreSQL (a database of its own: netzwerk_smoke, dropped and rebuilt from the demo data) and a
local SMTP server. The journey: the office logs in with a TOTP code computed from the demo's
secret, builds an invitation round and sends it; the mail arrives and is parsed; its link is
answered; the office sees the answer on the round page. Each step prints "ok", or says what
failed and shows the servers' logs; the exit status tells CI.
"""

import email
import http.cookiejar
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from email import policy
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
APP_PORT, HTTPS_PORT, SMTP_PORT = 8700, 8743, 8725
SITE = f"https://127.0.0.1:{HTTPS_PORT}"
DATABASE = "postgres://postgres@127.0.0.1:5432/netzwerk_smoke"
REDIS = "redis://127.0.0.1:6379/15"
STEPS = []


def step(name: str):
    print(f"-- {name} …", flush=True)
    STEPS.append(name)


class Forms(HTMLParser):
    """The page's forms: action, method and fields (hidden, text, ticked boxes, buttons)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": [], "boxes": []})
        elif tag in ("input", "button", "textarea", "select") and self.forms and "name" in attrs:
            kind = attrs.get("type", "text")
            entry = (attrs["name"], attrs.get("value", ""))
            if kind in ("checkbox", "radio"):
                self.forms[-1]["boxes"].append(entry)
            elif kind not in ("submit",) and tag != "button":
                self.forms[-1]["fields"].append(entry)


class Browser:
    """Cookies and CSRF as a browser keeps them, over HTTPS to Caddy."""

    def __init__(self, context: ssl.SSLContext):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=context),
        )
        self.url = SITE

    def get(self, path: str) -> str:
        url = urllib.parse.urljoin(self.url, path)
        return self.open(urllib.request.Request(url))

    def submit(self, html: str, action_part: str, values: dict, ticked=lambda name, value: False):
        """Submit the form whose action contains `action_part` (or, given "", the form that
        posts to the page itself), with its hidden fields, `values`, and the boxes
        `ticked(name, value)` chooses."""
        forms = [
            form
            for form in Forms(html).forms
            if (action_part in form["action"] if action_part else not form["action"])
        ]
        if not forms:
            raise AssertionError(f"no form with action {action_part!r} on {self.url}")
        form = forms[0]
        data = [(name, value) for name, value in form["fields"] if name not in values]
        data += [(name, value) for name, value in form["boxes"] if ticked(name, value)]
        data += list(values.items())
        target = urllib.parse.urljoin(self.url, form["action"] or self.url)
        request = urllib.request.Request(
            target,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.url, "Origin": SITE},
        )
        return self.open(request)

    def open(self, request) -> str:
        with self.opener.open(request, timeout=30) as response:
            self.url = response.url
            return response.read().decode()


def environment() -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "netzwerk.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": SITE,
        "SITE_URL": SITE,
        "DATABASE_URL": DATABASE,
        "REDIS_URL": REDIS,
        "TRUSTED_PROXY_COUNT": "1",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(SMTP_PORT),
        "SMTP_STARTTLS": "0",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def start(stack: ExitStack, name: str, command: list, env: dict, logs: Path):
    output = stack.enter_context(open(logs / f"{name}.log", "w"))  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)

    def stop():
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)

    stack.callback(stop)
    return process


def caddyfile(logs: Path) -> str:
    """deploy/Caddyfile for this machine: the loopback, a local certificate, our paths."""
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    text = text.replace("netzwerk.example.org {", f"{SITE} {{\n\ttls internal", 1)
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{APP_PORT}")
    text = text.replace("/srv/netzwerk/staticfiles", str(ROOT / "staticfiles"))
    text = text.replace("/var/log/caddy/netzwerk.log", str(logs / "access.log"))
    options = f"{{\n\tadmin off\n\tskip_install_trust\n\tstorage file_system {logs / 'caddy'}\n}}\n"
    return options + text


def wait_until(check, what: str, timeout: float = 60) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{what}: not within {timeout} s")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    env = environment()
    logs = Path(tempfile.mkdtemp(prefix="netzwerk-smoke-"))
    os.environ.update(env)
    try:
        with ExitStack() as stack:
            run(stack, env, logs)
    except Exception as error:  # noqa: BLE001 — said in words, with the logs
        print(
            f"\nFAILED at step: {STEPS[-1] if STEPS else 'setup'}\n{type(error).__name__}: {error}"
        )
        for log in sorted(logs.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-3000:]}")
        return 1
    print(f"\nSmoke test passed: {len(STEPS)} steps. Logs: {logs}")
    return 0


def run(stack: ExitStack, env: dict, logs: Path) -> None:
    import psycopg

    step("database netzwerk_smoke, Redis database 15, demo data, static files")
    with psycopg.connect(DATABASE, dbname="postgres", autocommit=True) as server:
        server.execute('DROP DATABASE IF EXISTS "netzwerk_smoke" WITH (FORCE)')
        server.execute('CREATE DATABASE "netzwerk_smoke" TEMPLATE template0')
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "demo_data", "--force")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")

    step("SMTP server, gunicorn, worker, Caddy")
    from aiosmtpd.controller import Controller

    class Inbox:
        messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    stack.callback(controller.stop)
    bin_dir = Path(PYTHON).parent
    gunicorn = [str(bin_dir / "gunicorn"), "netzwerk.wsgi", "--workers=2"]
    start(stack, "gunicorn", [*gunicorn, f"--bind=127.0.0.1:{APP_PORT}"], env, logs)
    start(stack, "worker", [PYTHON, "manage.py", "worker", "--no-reload"], env, logs)
    (logs / "Caddyfile").write_text(caddyfile(logs))
    caddy = shutil.which("caddy")
    if caddy is None:
        raise AssertionError("caddy is not installed (apt-get install caddy)")
    own = env | {"XDG_CONFIG_HOME": str(logs / "caddy"), "XDG_DATA_HOME": str(logs / "caddy")}
    start(stack, "caddy", [caddy, "run", "--config", str(logs / "Caddyfile")], own, logs)
    root = logs / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    wait_until(root.exists, "Caddy's local certificate authority")
    context = ssl.create_default_context(cafile=str(root))
    visitor = Browser(context)
    wait_until(lambda: "gesundheit" not in visitor.get("/gesundheit/"), "health page")
    health = visitor.get("/gesundheit/")
    assert '"status": "ok"' in health, health

    step("static file with far-future caching through Caddy")
    home = visitor.get("/")
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home).group(1)
    with visitor.opener.open(SITE + css, timeout=30) as response:
        assert "immutable" in response.headers["Cache-Control"], response.headers

    step("office login: password, then the TOTP code from the demo's secret")
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )
    from allauth.mfa.utils import decrypt

    stored = Authenticator.objects.get(user__email="staff@example.org", type="totp")
    secret = decrypt(stored.data["secret"])  # the demo's secret, from the database
    staff = Browser(context)
    page = staff.get("/konto/login/")
    page = staff.submit(page, "login", {"login": "staff@example.org", "password": "netzwerk-demo"})
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page = staff.submit(page, "authenticate", {"code": code})
    assert "Abmelden" in page, "not logged in after the second factor"

    step("an invitation round built from the proposals")
    from django.db.models import Count
    from django.utils import timezone

    from meetings.models import Meeting

    meeting = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now())
        .annotate(invited=Count("invitations"))
        .filter(invited=0)
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None, "the demo data has no upcoming meeting without a round"
    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/")
    chosen = []

    def first_proposal(name, value):
        if not chosen and name == "core_circle":
            chosen.append(value)
        return value in chosen

    page = staff.submit(page, "hinzufuegen", {}, ticked=first_proposal)
    assert chosen, "no proposal to tick"

    step("sent after the confirmation")
    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/senden/")
    assert "Sie senden jetzt 1 E-Mail" in page, page[:2000]
    page = staff.submit(page, "", {})

    step("the mail arrives at the SMTP server and is parsed")
    wait_until(lambda: inbox.messages, "the invitation mail")
    message = inbox.messages[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = re.search(rf"{re.escape(SITE)}(/einladung/[0-9a-f]+/)", text).group(1)
    assert link in html and message["Message-ID"], "link or Message-ID missing"

    step("the invitee answers from the link")
    invitee = Browser(context)
    page = invitee.get(link)
    page = invitee.submit(page, "", {"answer": "yes", "persons": "2", "note": "Rauchtest"})
    assert "Antwort" in page

    step("the office sees the answer on the round page")
    page = staff.get(f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/")
    assert "Rauchtest" in page, "the answer's note is not on the round page"

    step("no personal link in the access log")
    wait_until(lambda: (logs / "access.log").exists(), "access log")
    token = link.split("/")[2]
    assert token not in (logs / "access.log").read_text(), "the token was logged"


if __name__ == "__main__":
    sys.exit(main())
