"""`python -m benchmark.heal`: sending heals itself, tried as an operator would (issue 20).

On a database of its own (rebuilt from the reference data), with production settings: 2,000
invitations queued with the send function, two `manage.py worker` processes sending to a local
SMTP server, one of them killed with SIGKILL after ~300 mails (and not started again), PostgreSQL
restarted once after ~1,000 (`pg_ctlcluster … restart`; needs the machine's own cluster, so
never run it where others use that database server). Counted at the SMTP server by Message-ID:
the time from queueing to the last mail, duplicates (with their Message-IDs), mails lost.
docs/performance.md records a run.
"""

import argparse
import email
import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

from benchmark.__main__ import PYTHON, ROOT, SMTP_PORT, set_up


class Inbox:
    def __init__(self):
        self.arrivals = []  # (seconds since the start, Message-ID)
        self.started = time.monotonic()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        headers = email.message_from_bytes(envelope.content, policy=policy.default)
        self.arrivals.append((time.monotonic() - self.started, headers["Message-ID"]))
        return "250 Message accepted for delivery"


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m benchmark.heal", description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/netzwerk_heal"
    )
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--kill-at", type=int, default=300)
    parser.add_argument("--restart-at", type=int, default=1000)
    parser.add_argument("--timeout", type=int, default=300, help="seconds to wait at most")
    return parser.parse_args()


def queue_round(mails: int):
    from benchmark import meeting_with_round
    from meetings.models import Invitation
    from meetings.services import send_invitations
    from organisations.models import ContactPerson

    contacts = ContactPerson.objects.filter(receives_invitations=True).order_by("pk")[:mails]
    meeting = meeting_with_round("Versand heilt sich selbst", "versand-heilt-sich-selbst", contacts)
    queued = send_invitations(meeting=meeting, sent_by=None)
    if queued != mails:
        raise SystemExit(f"{queued} queued, not {mails}")
    return Invitation.objects.filter(meeting=meeting)


def restart_postgresql() -> float:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run(  # noqa: S603 — fixed arguments
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
        check=True,
    )
    return time.monotonic() - started


def main() -> None:
    args = parse_args()
    set_up(args.database_url)
    from common.worker import retrying

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    logs = Path(tempfile.mkdtemp(prefix="netzwerk-heal-"))
    invitations = queue_round(args.mails)
    inbox.started = time.monotonic()
    workers = [
        subprocess.Popen(  # noqa: S603 — fixed arguments
            [PYTHON, "manage.py", "worker", "--no-reload", f"--worker-id=heal-{n}"],
            cwd=ROOT,
            stdout=open(logs / f"worker-{n}.log", "w"),  # noqa: SIM115 — ends with the process
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]
    killed = restarted = None
    try:
        while len({message_id for _at, message_id in inbox.arrivals}) < args.mails:
            received = len(inbox.arrivals)
            if killed is None and received >= args.kill_at:
                workers[0].send_signal(signal.SIGKILL)
                killed = received
                print(f"worker 1 killed with SIGKILL after {received} mails")
            if restarted is None and received >= args.restart_at:
                seconds = restart_postgresql()
                restarted = received
                print(f"PostgreSQL restarted after {received} mails ({seconds:.1f} s)")
            if time.monotonic() - inbox.started > args.timeout:
                break
            time.sleep(0.05)
        time.sleep(5)  # what else arrives: a duplicate would come now
        still_queued = retrying(invitations.filter(delivery="queued").count)
        flagged = retrying(lambda: list(invitations.filter(possibly_duplicate=True)))
        survivor_running = workers[1].poll() is None
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
        controller.stop()

    counts = Counter(message_id for _at, message_id in inbox.arrivals)
    duplicates = {message_id: n for message_id, n in counts.items() if n > 1}
    last = max(at for at, _message_id in inbox.arrivals)
    print(f"\n## Sending heals itself: {args.mails} invitations, two workers\n")
    print(f"- worker 1 killed (SIGKILL) after {killed} mails, not started again")
    print(f"- PostgreSQL restarted after {restarted} mails")
    print(f"- time from queueing to the last mail: {last:.1f} s")
    print(f"- mails received: {len(inbox.arrivals)}, distinct Message-IDs: {len(counts)}")
    print(f"- lost: {args.mails - len(counts)}; still queued: {still_queued}")
    print(f"- duplicates: {len(duplicates)} {sorted(duplicates)}")
    print(f"- marked 'möglicherweise doppelt versandt': {[i.pk for i in flagged]}")
    print(f"- worker 2 still running at the end: {survivor_running}")
    print(f"\nWorker logs: {logs}")
    for name in sorted(logs.iterdir()):
        print(f"--- {name.name}\n{name.read_text()[-1500:]}")


if __name__ == "__main__":
    main()
