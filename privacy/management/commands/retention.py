"""Remove personal data whose retention period has passed. Meant to run daily (cron, systemd
timer); RETENTION_DAYS sets the period (default 365 days)."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mailings.models import Recipient
from meetings.models import (
    Invitation,
    Notice,
    ParticipationRequest,
    PollParticipant,
    SubstituteProposal,
)
from organisations.models import DirectoryImport, EntryCheck

# An uploaded address list that was never imported is deleted after this long.
UPLOAD_KEPT = datetime.timedelta(days=7)


class Command(BaseCommand):
    help = "Remove answer notes, mail errors and task records past the retention period."

    def handle(self, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS)
        past = Invitation.objects.filter(meeting__until__lt=cutoff)
        HistoricalContactPerson = apps.get_model("organisations", "historicalcontactperson")
        with transaction.atomic():
            notes = past.exclude(note="").update(note="")
            errors = past.exclude(delivery_error="").update(delivery_error="")
            errors += (
                Notice.objects.filter(invitation__in=past)
                .exclude(delivery_error="")
                .update(delivery_error="")
            )
            # Sent mails leave their task records behind: arguments, results, tracebacks.
            tasks, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
            # Substitutes proposed for a meeting that is over were never confirmed: their names
            # and addresses go at once.
            proposals, _ = SubstituteProposal.objects.filter(
                invitation__meeting__until__lt=timezone.now()
            ).delete()
            # So are requests to take part (the answered ones too).
            requests, _ = ParticipationRequest.objects.filter(
                meeting__until__lt=timezone.now()
            ).delete()
            # Date polls: who was asked and their answers, once the poll closed long enough
            # ago (its deadline passed, or the office fixed the date).
            poll_cutoff = timezone.now() - datetime.timedelta(days=settings.POLL_RETENTION_DAYS)
            polls, _ = PollParticipant.objects.filter(
                Q(poll__closed_at__lt=poll_cutoff) | Q(poll__deadline__lt=poll_cutoff)
            ).delete()
            # Former contact persons: entries deleted from the directory long enough ago
            # leave nothing behind in the change history either.
            former = HistoricalContactPerson.objects.filter(
                history_type="-", history_date__lt=cutoff
            ).values("id")
            history, _ = HistoricalContactPerson.objects.filter(id__in=former).delete()
            # The yearly check's mails, and uploaded lists never imported (a file of the
            # office's addresses is kept a week for its preview).
            checks, _ = EntryCheck.objects.filter(created_at__lt=cutoff).delete()
            # Who received a mailing and its delivery (the mailing's text stays).
            mailed, _ = Recipient.objects.filter(created_at__lt=cutoff).delete()
            uploads, _ = DirectoryImport.objects.filter(
                applied_at__isnull=True, created_at__lt=timezone.now() - UPLOAD_KEPT
            ).delete()
        files = remove_old_mail_files(cutoff)
        self.stdout.write(
            f"retention ({settings.RETENTION_DAYS} days): {notes} answer notes, "
            f"{errors} mail errors, {tasks} task records, {history} history records "
            f"of former contact persons, {proposals} proposed substitutes and {requests} requests "
            "to take part of past meetings, "
            f"{polls} poll participations, answers and notices of closed polls, "
            f"{checks} entry checks, {mailed} mailing recipients, "
            f"{uploads} uploaded lists never imported, "
            f"{files} mail files removed"
        )


def remove_old_mail_files(cutoff) -> int:
    """Development writes mails, bodies included, into EMAIL_DIR; old ones go too."""
    removed = 0
    if settings.EMAIL_DIR.is_dir():
        for path in settings.EMAIL_DIR.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink()
                removed += 1
    return removed
