"""The worker sends mailings like invitations: in batches over one connection, each mail under
its own row lock, never to someone who declined mailings or receives no mail (send_one)."""

from django.tasks import task

from mailings.emails import mailing_message
from mailings.models import Recipient
from meetings.tasks import send_batch


@task()
def deliver_mailings(recipient_ids: list[int]) -> dict[str, int]:
    # prefetch: the batch's recipients share one mailing, its attachment read once (joined,
    # it came along with every recipient: 50 copies of up to 5 MB).
    recipients = Recipient.objects.select_related("contact__organisation").prefetch_related(
        "mailing"
    )
    return send_batch(recipients, recipient_ids, mailing_message, deliver_mailings)
