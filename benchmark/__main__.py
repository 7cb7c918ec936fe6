"""`python -m benchmark` (or `make benchmark`): our pages against a bare Django view.

On a database of its own (dropped and rebuilt from the reference data each run), with
production settings, two gunicorns of 2 sync workers each and persistent connections: the app,
and the bare reference view (benchmark/settings.py). wrk loads each page as its persona; the
table gives requests/s, p50 and p99 and the ratio to the bare view, measured right before and
right after each page in the same run. Then 500 invitations are queued through the send button,
and the worker's send rate to a local SMTP sink is compared with a bare Django loop (run before
and after the worker). docs/performance.md holds a run's figures.
"""

import argparse
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
APP_PORT, BARE_PORT, SMTP_PORT = 8601, 8602, 8625


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m benchmark", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/netzwerk_benchmark"
        ),
        help="a PostgreSQL database that is dropped and rebuilt (default: %(default)s)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--mails", type=int, default=500, help="invitations queued and sent (0: no sending)"
    )
    parser.add_argument(
        "--mailing", type=int, default=2000, help="recipients of a mailing sent (0: none)"
    )
    parser.add_argument(
        "--import-rows", type=int, default=2000, help="rows of an address list imported (0: none)"
    )
    parser.add_argument("--no-pages", action="store_true", help="measure sending only")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the pages whose label contains this text (a|b: either)",
    )
    return parser.parse_args()


def configure(database_url: str) -> None:
    """Production settings as far as a machine without TLS allows."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="netzwerk.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{APP_PORT}",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="0",  # plain http on the loopback; a proxy would redirect
        TRUSTED_PROXY_COUNT="1",  # wrk.lua sends the client address in X-Forwarded-For
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP_PORT),
        SMTP_STARTTLS="0",
        LOG_LEVEL="WARNING",
    )


def rebuild_database(database_url: str) -> None:
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(database_url)["NAME"]
    with psycopg.connect(database_url, dbname="postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(
            f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0"
        )


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("reference_data")
    with connection.cursor() as cursor:
        # Planner statistics and the visibility map (index-only scans), as autovacuum keeps
        # them in production.
        cursor.execute("VACUUM ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)


def sessions() -> dict:
    """A logged-in session for a member and for staff (with an authenticator app)."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from organisations.models import ContactPerson

    user_model = get_user_model()
    contact = ContactPerson.objects.filter(is_editor=False).order_by("pk").first()
    member = user_model.objects.create_user("benchmark-member", contact.email)
    contact.user = member
    contact.save(update_fields=["user"])
    staff = user_model.objects.create_user("benchmark-staff", "office@example.org", is_staff=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    clients = {"visitor": Client(headers={"host": "127.0.0.1"})}
    for name, user in (("member", member), ("staff", staff)):
        clients[name] = Client(headers={"host": "127.0.0.1"})
        clients[name].force_login(user)
    cookies = {
        name: f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        for name, client in clients.items()
        if name != "visitor"
    }
    return {"clients": clients, "cookies": cookies}


# The longest search allowed: ten words (SEARCH_MAX_WORDS) that occur in contact persons'
# names, so that each is looked for in every column and in the contacts the member may see.
LONGEST_SEARCH = ["an", "er", "in", "el", "ar", "en", "ie", "on", "ra", "ma"]
UNCACHED_SEARCH = "Verzeichnis, längste Suche (jede neu)"
POLL_MEETING = "terminabstimmung-referenz"


def pages() -> list[tuple[str, str, str]]:
    """(label, persona, path) of every page measured, from the reference data."""
    from mailings.models import Mailing
    from mailings.services import add_recipients, reachable
    from meetings.models import Meeting, PollParticipant
    from organisations.models import ContactPerson, EntryCheck, Organisation, Topic

    topic = Topic.objects.order_by("pk").first()
    organisation = Organisation.objects.filter(listed_publicly=True).order_by("-pk").first()
    # A meeting with a date: the reference data's announced one (the poll's) has none.
    meeting = (
        Meeting.objects.filter(is_public=True, starts_at__isnull=False)
        .upcoming()
        .order_by("sort_at")
        .first()
    )
    polled = PollParticipant.objects.filter(poll__meeting__slug=POLL_MEETING).order_by("pk")
    editor = ContactPerson.objects.filter(is_editor=True, organisation=organisation).first()
    check = EntryCheck.objects.create(organisation=organisation, contact=editor)
    mailing = Mailing.objects.create(subject="Benchmark: Rundbrief", body="Liebe Alle,\n\nText.")
    add_recipients(mailing=mailing, contacts=reachable().order_by("pk")[:2000])
    recipient = mailing.recipients.order_by("pk").first()
    return [
        ("Verzeichnis", "member", "/organisationen/"),
        ("Verzeichnis gefiltert", "member", f"/organisationen/?topic={topic.slug}&kind=welfare"),
        ("Verzeichnis gesucht", "member", "/organisationen/?q=Stuttgart"),
        # The most a search may ask (SEARCH_MAX_WORDS words), each request a new one.
        (UNCACHED_SEARCH, "member", "/organisationen/?q=" + "+".join(LONGEST_SEARCH)),
        ("Organisation", "member", organisation.get_absolute_url()),
        ("Personen", "member", "/organisationen/personen/"),
        ("Personen mit Thema", "member", f"/organisationen/personen/?topic={topic.slug}"),
        ("Treffen", "visitor", "/treffen/"),
        ("Treffen (Seite)", "visitor", meeting.get_absolute_url()),
        ("Archiv", "visitor", "/treffen/archiv/"),
        ("Kalender (.ics)", "visitor", "/treffen/kalender.ics"),
        (
            "Antworten (300 Einladungen)",
            "staff",
            "/geschaeftsstelle/treffen/vernetzungstreffen-referenz-300/einladungen/",
        ),
        ("Geschäftsstelle (300 Treffen)", "staff", "/geschaeftsstelle/"),
        ("Zugänge (10.000 Personen)", "staff", "/geschaeftsstelle/zugaenge/"),
        (
            "Versand bestätigen (300 Einladungen)",
            "staff",
            "/geschaeftsstelle/treffen/vernetzungstreffen-referenz-300/einladungen/senden/",
        ),
        ("Daten einer Person finden", "staff", "/geschaeftsstelle/personen/?email=a@b.example"),
        ("Aktualität (2.000 Organisationen)", "staff", "/geschaeftsstelle/aktualitaet/"),
        ("Auswertung (ein Jahr)", "staff", "/geschaeftsstelle/auswertung/?jahr=2025"),
        ("Das Netzwerk in Zahlen", "visitor", "/netzwerk-in-zahlen/"),
        ("Aktualität: Adressen prüfen", "staff", "/geschaeftsstelle/aktualitaet/?liste=adressen"),
        ("Import (Hochladen)", "staff", "/geschaeftsstelle/import/"),
        # Rate limited only for links that open nothing and for changes.
        ("Eintrag prüfen (persönlicher Link)", "visitor", f"/eintrag/{check.token}/"),
        ("Rundmails", "staff", "/geschaeftsstelle/rundmails/"),
        ("Rundmail schreiben", "staff", "/geschaeftsstelle/rundmails/neu/"),
        ("Rundmail (2.000 Empfänger*innen)", "staff", mailing.get_absolute_url()),
        ("Rundmail senden (Bestätigung)", "staff", f"{mailing.get_absolute_url()}senden/"),
        ("Rundmail abbestellen (persönlicher Link)", "visitor", f"/rundmail/{recipient.token}/"),
        # Rate limited per address (30/m): wrk.lua's 4,096 forwarded addresses keep it below.
        ("Terminabstimmung (Antwortseite)", "visitor", polled.first().get_answer_url()),
        (
            "Terminabstimmung (Ergebnis, 300 Personen × 12 Termine)",
            "staff",
            f"/geschaeftsstelle/treffen/{POLL_MEETING}/abstimmung/",
        ),
    ]


def query_count(client, path: str, fresh: bool = False) -> int:
    """The queries of a repeated request (a new one each time for a `fresh` page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warm, measured = (f"{path}&frisch=0", f"{path}&frisch=1") if fresh else (path, path)
    client.get(warm, headers={"x-forwarded-for": "10.1.0.1"})  # warm caches, as under load
    with CaptureQueriesContext(connection) as queries:
        response = client.get(measured, headers={"x-forwarded-for": "10.1.0.1"})
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} in-process")
    return len(queries)


def bare_query_count() -> int:
    """The bare view's queries, counted in this process with its URLs, middleware, templates."""
    from django.test import Client, override_settings

    from benchmark import settings as bare

    with override_settings(
        ROOT_URLCONF=bare.ROOT_URLCONF, MIDDLEWARE=bare.MIDDLEWARE, TEMPLATES=bare.TEMPLATES
    ):
        return query_count(Client(headers={"host": "127.0.0.1"}), "/")


@contextmanager
def gunicorn(port: int, settings_module: str, log: Path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings_module)
    command = [
        str(BIN / "gunicorn"),
        "netzwerk.wsgi",
        "--workers=2",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
    ]
    with open(log, "w") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, log)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(url: str, process, log: Path) -> None:
    for _attempt in range(100):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 (our own loopback address)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def fetch(port: int, path: str, cookie: str = "", data: bytes | None = None, content_type=""):
    headers = {"Cookie": cookie, "X-Forwarded-For": "10.1.0.2"} if cookie else {}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(  # noqa: S310 (our own loopback address)
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as response:
        return response


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port: int, path: str, cookie: str, args, fresh: bool = False) -> dict:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "--timeout=30s",  # slow pages are measured, not cut off
        "-s",
        str(ROOT / "benchmark" / "wrk.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    url = f"http://127.0.0.1:{port}{path}"
    output = subprocess.run(
        [*command, url, *(["--", "fresh"] if fresh else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors or "Socket errors" in output:
        raise SystemExit(f"{path}: errors under load\n{output}")

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if found is None:
            raise SystemExit(f"{path}: no {percent}% latency in wrk's output\n{output}")
        return float(found.group(1)) * UNITS[found.group(2)]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"rate": rate, "p50": latency("50"), "p99": latency("99")}


def settle(master) -> None:
    """Wait until the workers have finished what the last load left queued (CPU time idle)."""
    previous = None
    for _attempt in range(300):
        used = sum(cpu for _pid, cpu in workers(master))
        if used == previous:
            return
        previous = used
        time.sleep(0.5)


def workers(master) -> list[tuple[int, int]]:
    """(pid, CPU ticks so far) of each worker of a gunicorn master."""
    result = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            result.append((int(stat.parent.name), int(fields[11]) + int(fields[12])))
    return result


def worker_memory(master) -> list[tuple[float, float]]:
    """(RSS MiB, PSS MiB) of each worker of a gunicorn master."""
    result = []
    for pid, _cpu in workers(master):
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        rss = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)) / 1024
        pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        result.append((rss, pss))
    return result


def measure_pages(args, personas, app, bare_server) -> tuple[list, list]:
    print(f"\nLoad: wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page")

    def load(server, port: int, path: str, cookie: str = "", fresh: bool = False) -> dict:
        figures = wrk(port, path, cookie, args, fresh)
        settle(server)
        return figures

    # The bare view is measured before the first page, between pages and after the last: each
    # page is compared with the bare view right before and right after it, so that the
    # machine's drift during a run (seen: 20 %) does not land on one page.
    bare_queries = bare_query_count()

    def load_bare() -> dict:
        figures = load(bare_server, BARE_PORT, "/") | {"queries": bare_queries}
        print(f"bare view: {figures['rate']:.0f}/s")
        return figures

    bare = [load_bare()]
    rows = []
    for label, persona, path in pages():
        if not any(part in label for part in args.only.split("|")):
            continue
        cookie = personas["cookies"].get(persona, "")
        response = fetch(APP_PORT, path, cookie)
        if response.status != 200:
            raise SystemExit(f"{path} as {persona} answered {response.status}")
        fresh = label == UNCACHED_SEARCH
        queries = query_count(personas["clients"][persona], path, fresh)
        figures = load(app, APP_PORT, path, cookie, fresh)
        print(f"{label}: {figures['rate']:.0f}/s, {queries} queries")
        bare.append(load_bare())
        figures["reference"] = (bare[-2]["rate"] + bare[-1]["rate"]) / 2
        rows.append((label, persona, path, queries, figures))
    return bare, rows


def measure_sending(args, personas, worker_log: Path) -> dict:
    """Queue `args.mails` invitations with the send button; the worker and a bare loop send."""
    from benchmark import meeting_with_round
    from meetings.emails import invitation_message
    from meetings.models import Invitation
    from organisations.models import ContactPerson

    contacts = ContactPerson.objects.filter(receives_invitations=True).order_by("pk")[: args.mails]
    meeting = meeting_with_round("Benchmark Versand", "benchmark-versand", contacts)
    invitations = Invitation.objects.filter(meeting=meeting).select_related(
        "meeting__theme", "contact__organisation"
    )
    round_path = f"/geschaeftsstelle/treffen/{meeting.slug}/einladungen/"
    return press_send(personas, round_path, invitations, args.mails, invitation_message, worker_log)


def measure_mailing(args, personas, worker_log: Path) -> dict:
    """A mailing to `args.mailing` people: added, queued with its send button, sent by the
    worker; against a bare loop rendering and sending the same mails over one connection."""
    from mailings.emails import mailing_message
    from mailings.models import Mailing, Recipient
    from mailings.services import add_recipients, reachable

    mailing = Mailing.objects.create(
        subject="Benchmark: Neues zum Asylrecht",
        body="# Was sich ändert\n\nDas Gesetz gilt ab März.\n\n- Fristen prüfen\n- Beraten",
    )
    add_recipients(mailing=mailing, contacts=list(reachable().order_by("pk")[: args.mailing]))
    recipients = Recipient.objects.filter(mailing=mailing).select_related(
        "mailing", "contact__organisation"
    )
    path = f"/geschaeftsstelle/rundmails/{mailing.pk}/"
    return press_send(personas, path, recipients, args.mailing, mailing_message, worker_log)


def press_send(personas, page_path: str, records, count: int, build, worker_log: Path) -> dict:
    """Press the page's send button (timed), then let the worker send and a bare loop send
    the same mails before and after it."""
    from django.db.models import Max, Min

    cookie = personas["cookies"]["staff"]
    page = fetch(APP_PORT, page_path, cookie)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    csrf_cookie = re.search(r"([^=;\s]*csrftoken)=([^;]+)", page.headers["Set-Cookie"]).group(0)
    started = time.perf_counter()
    response = fetch(
        APP_PORT,
        page_path + "senden/",
        f"{cookie}; {csrf_cookie}",
        f"csrfmiddlewaretoken={token}".encode(),
    )
    queue_seconds = time.perf_counter() - started
    queued = records.filter(delivery="queued").count()
    if response.status != 302 or queued != count:
        raise SystemExit(f"send answered {response.status}, {queued} queued")
    before = bare_send_loop(list(records), build)
    started = time.perf_counter()
    with open(worker_log, "w") as output:
        subprocess.run(
            [PYTHON, "manage.py", "worker", "--batch", "--no-startup-delay"],
            cwd=ROOT,
            stdout=output,
            stderr=output,
            check=True,
        )
    worker_seconds = time.perf_counter() - started
    sent = records.filter(delivery="sent")
    if sent.count() != count:
        raise SystemExit(f"the worker sent {sent.count()} of {count}")
    span = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    worker_rate = (count - 1) / (span["last"] - span["first"]).total_seconds()
    after = bare_send_loop(list(sent), build)
    return {
        "count": count,
        "queue_seconds": queue_seconds,
        "worker_seconds": worker_seconds,
        "worker_rate": worker_rate,
        "bare": [before, after],
        "bare_rate": (before[0] + after[0]) / 2,
    }


def address_list(rows: int) -> bytes:
    """An address list as the office's Excel saves it ("CSV UTF-8": a BOM, semicolons; the
    reference data's names are beyond Windows-1252): half of the
    rows change the phone number of a person in the reference data, half are new people of
    new organisations, five to an organisation."""
    from organisations.models import ContactPerson

    lines = ["Organisation;Art;PLZ;Ort;Name;Funktion;E-Mail;Telefon;Themen"]
    known = ContactPerson.objects.select_related("organisation").order_by("pk")[: rows // 2]
    for number, contact in enumerate(known):
        lines.append(
            f"{contact.organisation.name};;;;{contact.name};{contact.role};{contact.email};"
            f"0711 {100000 + number};"
        )
    for number in range(rows - len(lines) + 1):
        lines.append(
            f"Neue Beratungsstelle {number // 5} e.V.;Beratungsstelle;7{number // 5:04d};"
            f"Stuttgart;Person Nummer {number};Beratung;neu{number}@import.example;"
            f"0711 {200000 + number};Asylverfahren und Aufenthalt"
        )
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode()


def measure_import(args, personas) -> dict:
    """Upload an address list of `args.import_rows` rows, read its preview, confirm it: each
    step timed as the office's browser would wait for it."""
    from organisations.models import ContactPerson, DirectoryImport

    cookie = personas["cookies"]["staff"]
    page = fetch(APP_PORT, "/geschaeftsstelle/import/", cookie)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    cookie += "; " + re.search(r"([^=;\s]*csrftoken)=([^;]+)", page.headers["Set-Cookie"]).group(0)
    boundary = "netzwerk-benchmark-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="adressen.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + address_list(args.import_rows)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    before = ContactPerson.objects.count()
    started = time.perf_counter()
    response = fetch(
        APP_PORT,
        "/geschaeftsstelle/import/",
        cookie,
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    upload_seconds = time.perf_counter() - started
    if response.status != 302:
        raise SystemExit(f"the upload answered {response.status}")
    started = time.perf_counter()
    preview = fetch(APP_PORT, response.headers["Location"], cookie).read().decode()
    preview_seconds = time.perf_counter() - started
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', preview).group(1)
    pending = DirectoryImport.objects.get(applied_at__isnull=True)
    started = time.perf_counter()
    response = fetch(
        APP_PORT,
        f"/geschaeftsstelle/import/{pending.pk}/bestaetigen/",
        cookie,
        f"csrfmiddlewaretoken={token}&fingerprint={fingerprint}".encode(),
    )
    confirm_seconds = time.perf_counter() - started
    pending.refresh_from_db()
    if response.status != 302 or pending.applied_at is None:
        raise SystemExit(f"the confirmation answered {response.status}")
    return {
        "rows": args.import_rows,
        "upload": upload_seconds,
        "preview": preview_seconds,
        "confirm": confirm_seconds,
        "counts": pending.counts,
        "created": ContactPerson.objects.count() - before,
    }


def report_import(figures: dict) -> None:
    total = figures["upload"] + figures["preview"] + figures["confirm"]
    counts = figures["counts"]
    print(
        f"\nImport of {figures['rows']} rows (CSV UTF-8): upload {figures['upload']:.2f} s, "
        f"preview {figures['preview']:.2f} s, confirm {figures['confirm']:.2f} s; "
        f"together {total:.2f} s (goal: under 10 s). Rows new {counts.get('rows new')}, "
        f"changed {counts.get('rows update')}, unchanged {counts.get('rows unchanged')}, "
        f"errors {counts.get('rows error')}; {figures['created']} contact persons created."
    )


def bare_send_loop(records, build) -> tuple[float, float]:
    """Mails/s of a plain loop: render the messages, send them over one connection; and of the
    sending alone."""
    from django.core.mail import mailers

    started = time.perf_counter()
    messages = [build(record) for record in records]
    rendered = time.perf_counter()
    with mailers.default as connection:
        connection.send_messages(messages)
    finished = time.perf_counter()
    return len(messages) / (finished - started), len(messages) / (finished - rendered)


@contextmanager
def smtp_sink(log: Path):
    with open(log, "w") as output:
        process = subprocess.Popen(
            [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{SMTP_PORT}", "-c",
             "aiosmtpd.handlers.Sink"],
            stdout=output,
            stderr=output,
        )  # fmt: skip
    time.sleep(1)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def report(args, bare, rows, memory, sending, imported=None, mailing=None) -> None:
    print(f"\n## Benchmark {date.today().isoformat()}\n")
    print(
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
        f"; wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page.\n"
    )
    if bare:
        rates = [run["rate"] for run in bare]
        print(
            f"Bare view ({bare[0]['queries']} query), measured {len(bare)} times, before, "
            f"between and after the pages: {min(rates):.0f}–{max(rates):.0f} requests/s, "
            f"p50 {min(run['p50'] for run in bare):.1f}–{max(run['p50'] for run in bare):.1f} ms. "
            "Each page's ratio is to the mean of the bare view right before and after it.\n"
        )
    print("| Seite | Person | Anfragen/s | p50 ms | p99 ms | bare ringsum | × bare | SQL |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, persona, _path, queries, figures in rows:
        print(
            f"| {label} | {persona} | {figures['rate']:.0f} | {figures['p50']:.1f} "
            f"| {figures['p99']:.1f} | {figures['reference']:.0f} "
            f"| {figures['rate'] / figures['reference']:.2f} | {queries} |"
        )
    if sending:
        report_sending(args, sending)
    if mailing:
        report_sending(args, mailing, "mails of a mailing")
    if imported:
        report_import(imported)
    print("\nGunicorn workers after the run (RSS / PSS MiB):")
    for name, workers in memory.items():
        figures = ", ".join(f"{rss:.0f} / {pss:.0f}" for rss, pss in workers)
        print(f"- {name}: {figures}")


def report_sending(args, sending: dict, what: str = "invitations") -> None:
    print(
        f"\nQueue {sending['count']} {what} (send button): "
        f"{sending['queue_seconds'] * 1000:.0f} ms\n"
        f"Worker: {sending['worker_rate']:.0f} mails/s (whole run incl. start-up "
        f"{sending['worker_seconds']:.1f} s); bare loop, rendering and sending over one "
        f"connection, before and after the worker: "
        + " and ".join(
            f"{rate:.0f} mails/s (sending alone {alone:.0f}/s)" for rate, alone in sending["bare"]
        )
        + f"; worker / bare (mean) = {sending['worker_rate'] / sending['bare_rate']:.2f}"
    )


def set_up(database_url: str) -> None:
    """Production settings on `database_url`, dropped and rebuilt from the reference data."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    configure(database_url)
    print(f"Rebuilding {database_url} with the reference data …")
    rebuild_database(database_url)
    import django

    django.setup()
    prepare()


def main() -> None:
    args = parse_args()
    set_up(args.database_url)
    personas = sessions()
    logs = Path(tempfile.mkdtemp(prefix="netzwerk-benchmark-"))
    with ExitStack() as stack:
        app = stack.enter_context(gunicorn(APP_PORT, "netzwerk.settings", logs / "app.log"))
        bare_server = stack.enter_context(
            gunicorn(BARE_PORT, "benchmark.settings", logs / "bare.log")
        )
        bare, rows = ([], []) if args.no_pages else measure_pages(args, personas, app, bare_server)
        memory = {"app": worker_memory(app), "bare view": worker_memory(bare_server)}
        sending = None
        if args.mails:
            stack.enter_context(smtp_sink(logs / "smtp.log"))
            sending = measure_sending(args, personas, logs / "worker.log")
        mailing = None
        if args.mailing:
            if not args.mails:
                stack.enter_context(smtp_sink(logs / "smtp.log"))
            mailing = measure_mailing(args, personas, logs / "mailing-worker.log")
        imported = measure_import(args, personas) if args.import_rows else None
    report(args, bare, rows, memory, sending, imported, mailing)
    print(f"\nServer logs: {logs}")


if __name__ == "__main__":
    main()
