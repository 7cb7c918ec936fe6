"""The yearly check, run daily (the netzwerk-daily timer, or cron beside `retention`): asks
every organisation whose entry was confirmed (or made) longer than ENTRY_CHECK_INTERVAL_DAYS
ago and that has not been asked since; the worker sends the mails. Mails still queued after
STUCK_AFTER (a failure the next try may not have) are given to the worker again."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from organisations.models import EntryCheck, check_interval
from organisations.services import ask_for_check, due_for_check
from organisations.tasks import send_entry_checks

STUCK_AFTER = datetime.timedelta(minutes=30)


class Command(BaseCommand):
    help = "Ask organisations whose entry is due whether it is still current."

    def handle(self, **options):
        asked = nobody = 0
        for organisation in due_for_check().iterator():
            try:
                ask_for_check(organisation=organisation, not_since=check_interval())
            except ValidationError:
                nobody += 1  # no contact person, or asked meanwhile: the office's list shows it
            else:
                asked += 1
        stuck = list(
            EntryCheck.objects.filter(
                delivery=EntryCheck.Delivery.QUEUED,
                created_at__lt=timezone.now() - STUCK_AFTER,
            ).values_list("pk", flat=True)
        )
        if stuck:
            send_entry_checks.enqueue(stuck)
        self.stdout.write(
            f"entry_checks: {asked} organisations asked, {nobody} without anyone to ask, "
            f"{len(stuck)} mails queued again"
        )
