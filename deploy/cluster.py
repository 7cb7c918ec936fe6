"""`make cluster-test`: Netzwerk on several hosts of our own, made of network namespaces.

Five namespaces joined by veth pairs to a bridge in the fifth: a database host (its own
PostgreSQL cluster and Redis, listening on 10.77.0.1, and the SMTP server), two app hosts
(gunicorn and a worker each, 10.77.0.2 and .3) and a load host (10.77.0.4, which drives the
run). Nothing listens outside these namespaces; the test tears them down, whatever happens.

The run, from the load host: a session made on one app host is used on the other; 40 wrong
personal links split over both hosts meet one shared rate limit (exactly its allowance of 30
passes); staff log in (TOTP) and send a round of 2,000 invitations; a mixed load (directory,
meetings, answer links, the round page) runs at a fixed rate across both hosts while one worker
is killed with SIGKILL mid-batch and started again (after ~300 mails) and PostgreSQL is restarted
(after ~1,000). Then: every invitation delivered (counted by Message-ID at the SMTP server), at
most the one mail in flight of the killed worker twice and then marked, nothing queued, no error
outside the restart window and answers again within 5 s of PostgreSQL's restart.

Needs root (ip netns), PostgreSQL's server programs and redis-server (Debian's packages).
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NET = "10.77.0"
HOSTS = {"db": 1, "app1": 2, "app2": 3, "load": 4}
SWITCH = "nw-switch"
MAILS = 2000
KILL_AT, RESTART_AT = 300, 1000
LOAD_RATE = 12  # requests per second, over both app hosts
RUN_LIMIT = 180  # seconds from the send button to the last mail, at most
BACK_WITHIN = 5.0  # seconds after PostgreSQL's restart


def ns(host: str) -> str:
    return f"nw-{host}"


def address(host: str) -> str:
    return f"{NET}.{HOSTS[host]}"


def run(*command, host: str | None = None, **options):
    prefix = ["ip", "netns", "exec", ns(host)] if host else []
    # From the project (manage.py); "/" for PostgreSQL's programs, which run as postgres and
    # may not enter a checkout in a private directory.
    cwd = "/" if "runuser" in command else ROOT
    return subprocess.run([*prefix, *command], check=True, cwd=cwd, **options)


def spawn(*command, host: str, log: Path, env: dict | None = None):
    output = open(log, "a")  # noqa: SIM115 — ends with the process
    return subprocess.Popen(
        ["ip", "netns", "exec", ns(host), *command],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


# -- the orchestrator (root namespace) ---------------------------------------------------------


def network_up() -> None:
    run("ip", "netns", "add", SWITCH)
    run("ip", "link", "add", "br0", "type", "bridge", host="switch")
    run("ip", "link", "set", "br0", "up", host="switch")
    for host in HOSTS:
        run("ip", "netns", "add", ns(host))
        run(
            "ip",
            "link",
            "add",
            f"v-{host}",
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            ns(host),
            host="switch",
        )
        run("ip", "link", "set", f"v-{host}", "master", "br0", "up", host="switch")
        run("ip", "addr", "add", f"{address(host)}/24", "dev", "eth0", host=host)
        run("ip", "link", "set", "eth0", "up", host=host)
        run("ip", "link", "set", "lo", "up", host=host)


def network_down() -> None:
    for host in [*HOSTS, "switch"]:
        name = SWITCH if host == "switch" else ns(host)
        pids = subprocess.run(
            ["ip", "netns", "pids", name],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        subprocess.run(["ip", "netns", "del", name], check=False, stderr=subprocess.DEVNULL)


def postgres_bin() -> Path:
    return Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])


def postgres_up(work: Path) -> Path:
    data = work / "pg"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    initdb = [str(postgres_bin() / "initdb"), "-D", str(data), "-A", "trust", "-E", "UTF8"]
    run("runuser", "-u", "postgres", "--", *initdb, "--locale=C.UTF-8", stdout=subprocess.DEVNULL)
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"listen_addresses = '{address('db')}'\nunix_socket_directories = '{data}'\n")
        conf.write("max_connections = 200\n")
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {NET}.0/24 trust\n")
    pg_ctl(data, "start", work)
    return data


def pg_ctl(data: Path, action: str, work: Path) -> None:
    command = [str(postgres_bin() / "pg_ctl"), "-D", str(data), "-l", str(data / "postgres.log")]
    run(
        "runuser",
        "-u",
        "postgres",
        "--",
        *command,
        "-w",
        "-m",
        "fast",
        action,
        host="db",
        stdout=subprocess.DEVNULL,
    )


def environment(secret: str) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "netzwerk.settings",
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": f"{address('app1')},{address('app2')}",
        "SITE_URL": f"http://{address('app1')}:8000",
        "DATABASE_URL": f"postgres://postgres@{address('db')}:5432/netzwerk",
        "REDIS_URL": f"redis://{address('db')}:6379/0",
        "SECURE_SSL_REDIRECT": "0",
        # The load host speaks for many visitors: it names each in X-Forwarded-For, as a
        # proxy would (the rate limits then count per visitor, as in real use).
        "TRUSTED_PROXY_COUNT": "1",
        "SMTP_HOST": address("db"),
        "SMTP_PORT": "2525",
        "SMTP_STARTTLS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def orchestrate() -> int:
    if os.geteuid() != 0:
        print("make cluster-test needs root (network namespaces)")
        return 1
    work = Path(tempfile.mkdtemp(prefix="netzwerk-cluster-"))
    work.chmod(0o755)
    env = environment(secrets.token_urlsafe(50))
    network_down()  # what a run that was killed may have left
    try:
        print("-- network namespaces: db, app1, app2, load", flush=True)
        network_up()
        print("-- database host: PostgreSQL, Redis, SMTP server on", address("db"), flush=True)
        data = postgres_up(work)
        spawn(
            "redis-server",
            "--bind",
            address("db"),
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            # No password on a host only the namespaces reach (protected mode allows the
            # loopback only).
            "--protected-mode",
            "no",
            host="db",
            log=work / "redis.log",
        )
        mail = work / "mail.txt"
        spawn(PYTHON, __file__, "smtp", str(mail), host="db", log=work / "smtp.log")
        print("-- the database: migrations, demo data, 2,000 contact persons", flush=True)
        createdb = ["psql", "-h", address("db"), "-U", "postgres", "-q", "-c"]
        run(*createdb, "CREATE DATABASE netzwerk TEMPLATE template0", host="load")
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["createcachetable"],
            ["demo_data", "--force"],
        ):
            run(PYTHON, "manage.py", *command, host="load", env=env, stdout=subprocess.DEVNULL)
        setup = subprocess.run(
            ["ip", "netns", "exec", ns("load"), PYTHON, __file__, "setup"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        config = json.loads(setup.stdout.strip().splitlines()[-1])
        print("-- app hosts: gunicorn and a worker each", flush=True)
        workers = {}
        for host in ("app1", "app2"):
            spawn(
                str(Path(PYTHON).parent / "gunicorn"),
                "netzwerk.wsgi",
                "--workers=2",
                f"--bind={address(host)}:8000",
                host=host,
                env=env,
                log=work / f"{host}-gunicorn.log",
            )
            workers[host] = spawn(
                PYTHON,
                "manage.py",
                "worker",
                "--no-reload",
                f"--worker-id={host}",
                host=host,
                env=env,
                log=work / f"{host}-worker.log",
            ).pid
        config |= {"work": str(work), "pg_data": str(data), "mail": str(mail), "workers": workers}
        driver = subprocess.run(
            ["ip", "netns", "exec", ns("load"), PYTHON, __file__, "drive", json.dumps(config)],
            env=env,
            cwd=ROOT,
            check=False,
        )
        if driver.returncode:
            for log in sorted([*work.glob("*.log"), data / "postgres.log"]):
                print(f"--- {log.name}\n{log.read_text()[-2500:]}")
        return driver.returncode
    finally:
        network_down()
        shutil.rmtree(work, ignore_errors=True)


# -- on the database host: the SMTP server ------------------------------------------------------


def smtp_server(mail: str) -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
            found = re.search(rb"^Message-ID:\s*(\S+)", envelope.content, re.M | re.I)
            with open(mail, "a") as out:
                out.write((found.group(1).decode() if found else "-") + "\n")
            return "250 Message accepted for delivery"

    Controller(Sink(), hostname=address("db"), port=2525).start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


# -- on the load host: the data, then the run ----------------------------------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup() -> None:
    """2,000 contact persons in a round of a new meeting (noted, not sent)."""
    django_setup()
    from benchmark import meeting_with_round
    from meetings.models import Invitation
    from organisations.models import ContactPerson, Organisation

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Cluster-Organisation {n}", slug=f"cluster-{n}", sort_name=f"c{n}")
        for n in range(MAILS // 10)
    )
    contacts = ContactPerson.objects.bulk_create(
        ContactPerson(
            organisation=organisations[n // 10],
            name=f"Person {n}",
            sort_name=f"person {n}",
            email=f"person{n}@cluster.example",
        )
        for n in range(MAILS)
    )
    meeting = meeting_with_round("Mehrere Rechner", "mehrere-rechner", contacts, days=30)
    links = [i.get_answer_url() for i in Invitation.objects.filter(meeting=meeting)[:20]]
    print(json.dumps({"meeting": meeting.slug, "links": links}))


class Client:
    """Cookies by hand: with DEBUG off they are Secure, and these hosts speak plain HTTP."""

    def __init__(self, visitor: str = "10.98.0.1"):
        self.cookies = {}
        self.visitor = visitor  # the client's address, as a proxy would name it

    def request(self, url: str, data: dict | None = None, referer: str = "") -> tuple:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-Forwarded-For": self.visitor,
        }
        if data is not None:
            headers["Referer"] = referer or url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=15)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.read().decode(errors="replace"), response.headers

    def get(self, url: str) -> tuple:
        return self.request(url)

    def post_form(self, url: str, page: str, values: dict) -> tuple:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(url, {"csrfmiddlewaretoken": token, **values})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(condition: bool, what: str) -> None:
    print(("   ok  " if condition else "   FAILED  ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


def drive(config: dict) -> None:
    django_setup()
    apps = [f"http://{address(host)}:8000" for host in ("app1", "app2")]
    visitor = Client()
    started = time.monotonic()
    while any(visitor.get(f"{app}/gesundheit/")[0] != 200 for app in apps):
        if time.monotonic() - started > 60:
            check(False, "both app hosts healthy within 60 s")
        time.sleep(0.5)
    check(True, "both app hosts answer /gesundheit/ with 200")

    print("-- a session made on app1, used on app2", flush=True)
    member = Client()
    _status, page, _headers = member.get(f"{apps[0]}/konto/login/")
    status, _page, _headers = member.post_form(
        f"{apps[0]}/konto/login/",
        page,
        {"login": "mitglied@example.org", "password": "netzwerk-demo"},
    )
    check(status == 302, "member logged in on app1")
    status, page, _headers = member.get(f"{apps[1]}/konto/")
    check(status == 200 and "Abmelden" in page, "the same session is valid on app2")

    print("-- one rate limit for both hosts: 40 wrong links, 30 allowed", flush=True)
    guesser = Client()
    answers = Counter(
        guesser.get(f"{apps[n % 2]}/einladung/{secrets.token_hex(32)}/")[0] for n in range(40)
    )
    check(answers == Counter({404: 30, 429: 10}), f"404 × 30 then 429 × 10 (got {dict(answers)})")

    print("-- staff log in on app1 (TOTP) and send the round of 2,000", flush=True)
    staff = staff_login(apps[0])
    round_url = f"{apps[0]}/geschaeftsstelle/treffen/{config['meeting']}/einladungen/"
    _status, page, _headers = staff.get(round_url + "senden/")
    check(re.search(r"2\.?000 E-Mails", page) is not None, "the confirmation names 2,000 mails")
    sent_at = time.monotonic()
    status, _page, _headers = staff.post_form(round_url + "senden/", page, {})
    check(status == 302, "sent (the send button)")

    results, stop = [], threading.Event()
    paths = ["/organisationen/", "/treffen/", *config["links"][:5]]
    load = threading.Thread(target=mixed_load, args=(apps, paths, staff, round_url, results, stop))
    load.start()
    restart = heal_events(config, sent_at)
    stop.set()
    load.join()
    report(config, results, restart, sent_at)


def staff_login(app: str) -> Client:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )
    from allauth.mfa.utils import decrypt

    staff = Client()
    _status, page, _headers = staff.get(f"{app}/konto/login/")
    _status, _page, headers = staff.post_form(
        f"{app}/konto/login/", page, {"login": "staff@example.org", "password": "netzwerk-demo"}
    )
    step = urllib.parse.urljoin(app, headers["Location"])
    _status, page, _headers = staff.get(step)
    secret = decrypt(
        Authenticator.objects.get(user__email="staff@example.org", type="totp").data["secret"]
    )
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    status, _page, _headers = staff.post_form(step, page, {"code": code})
    check(status == 302, "staff logged in with the second factor")
    return staff


def mixed_load(apps, paths, staff, round_url, results, stop) -> None:
    """LOAD_RATE requests a second, in turn to both hosts, each in a thread of a pool (a slow
    answer holds up no other): (began, ended, host, path, status)."""

    def one(app, client, url):
        began = time.monotonic()
        try:
            status = client.get(url)[0]
        except OSError:
            status = 0  # no answer at all
        results.append((began, time.monotonic(), app, url, status))

    origin = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        n = 0
        while not stop.is_set():
            app = apps[n % 2]
            if n % 40 == 39:  # the round page of 2,000 invitations: heavy, now and then
                pool.submit(one, app, staff, round_url.replace(apps[0], app))
            else:  # visitors from 4,096 addresses
                visitor = Client(f"10.99.{n // 256 % 16}.{n % 256}")
                pool.submit(one, app, visitor, app + paths[n % len(paths)])
            n += 1
            time.sleep(max(0.0, origin + n / LOAD_RATE - time.monotonic()))


def last_mail(config, sent_at: float) -> float:
    return Path(config["mail"]).stat().st_mtime - (time.time() - time.monotonic()) - sent_at


def delivered(config) -> list[str]:
    path = Path(config["mail"])
    return path.read_text().split() if path.exists() else []


def heal_events(config: dict, sent_at: float) -> tuple:
    """Kill a worker at KILL_AT mails and start it again; restart PostgreSQL at RESTART_AT."""
    env = dict(os.environ)
    killed = restart = None
    while len(set(delivered(config))) < MAILS:
        count = len(delivered(config))
        if killed is None and count >= KILL_AT:
            os.kill(config["workers"]["app1"], signal.SIGKILL)
            killed = count
            print(f"-- worker on app1 killed with SIGKILL after {count} mails", flush=True)
            spawn(
                PYTHON,
                "manage.py",
                "worker",
                "--no-reload",
                "--worker-id=app1-again",
                host="app1",
                env=env,
                log=Path(config["work"]) / "app1-worker.log",
            )
        if restart is None and count >= RESTART_AT:
            print(f"-- PostgreSQL restarted after {count} mails", flush=True)
            began = time.monotonic()
            pg_ctl(Path(config["pg_data"]), "restart", Path(config["work"]))
            restart = (began, time.monotonic())
        if time.monotonic() - sent_at > RUN_LIMIT:
            break
        time.sleep(0.05)
    time.sleep(3)  # a duplicate would arrive now
    return killed, restart


def report(config, results, events, sent_at) -> None:
    from django.db import close_old_connections

    from common.worker import retrying
    from meetings.models import Invitation

    killed, restart = events
    close_old_connections()
    mails = delivered(config)
    counts = Counter(mails)
    duplicates = sorted(message_id for message_id, n in counts.items() if n > 1)
    invitations = Invitation.objects.filter(meeting__slug=config["meeting"])
    queued = retrying(invitations.filter(delivery="queued").count)
    flagged = retrying(invitations.filter(possibly_duplicate=True).count)
    # The restart window: from PostgreSQL's stop to BACK_WITHIN after it is up again; a request
    # belongs to it if it was under way at any time in it.
    window = (restart[0], restart[1] + BACK_WITHIN) if restart else (0.0, 0.0)
    inside = [r for r in results if r[0] <= window[1] and r[1] >= window[0]]
    failed = [r for r in results if r[4] == 0 or r[4] >= 500]
    outside_failed = [r for r in failed if r not in inside]
    back = [r for r in results if restart and r[0] >= restart[1]]
    first_answer = min((r[1] for r in back if 200 <= r[4] < 400), default=None)
    statuses = Counter(r[4] for r in results)
    print(f"\n## Cluster run: {MAILS} invitations, two app hosts, one database host\n")
    print(f"- requests: {len(results)} at {LOAD_RATE}/s over both hosts: {dict(statuses)}")
    if restart:
        print(
            f"- PostgreSQL restart: {restart[1] - restart[0]:.1f} s; requests under way in it "
            f"or the {BACK_WITHIN:.0f} s after: {len(inside)}, failed: {len(failed)} "
            f"(outside it: {len(outside_failed)}); first answer "
            f"{(first_answer or 0) - restart[1]:.1f} s after the restart"
        )
    print(
        f"- mails: {len(mails)} received, {len(counts)} distinct Message-IDs, lost "
        f"{MAILS - len(counts)}, duplicates {len(duplicates)} {duplicates}, marked {flagged}, "
        f"still queued {queued}; the last {last_mail(config, sent_at):.0f} s after the "
        "send button"
    )
    check(
        killed is not None and restart is not None, "a worker was killed and PostgreSQL restarted"
    )
    check(len(counts) == MAILS, "every invitation delivered (by Message-ID)")
    check(
        len(duplicates) <= 1 and flagged >= len(duplicates),
        "at most the killed worker's mail in flight twice, with its Message-ID, and marked",
    )
    check(queued == 0, "nothing left queued")
    check(not outside_failed, "no 5xx or unanswered request outside the restart window")
    check(
        first_answer is not None and first_answer - restart[1] <= BACK_WITHIN,
        f"answers again within {BACK_WITHIN:.0f} s of the restart",
    )


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "orchestrate"
    if command == "smtp":
        smtp_server(sys.argv[2])
    elif command == "setup":
        setup()
    elif command == "drive":
        drive(json.loads(sys.argv[2]))
    else:
        return orchestrate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
