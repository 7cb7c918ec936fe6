"""Background work of the directory: the account invitation, sent by the worker like every
other mail (the request that asks for it only queues it), and the yearly check of an entry."""

import smtplib
from collections import Counter

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.mail import build_mail
from organisations.models import (
    ContactPerson,
    EntryCheck,
    SuppressedAddress,
    note_address_refused,
    refused_for_good,
)


@task()
def send_account_invitation(contact_id: int) -> str:
    """Mail the contact a link to set their password; the link is made now, at sending time.

    A contact erased or unlinked from the account since the click gets nothing.
    """
    contact = (
        ContactPerson.objects.select_related("organisation", "user")
        .filter(pk=contact_id, user__isnull=False)
        .first()
    )
    if contact is None:
        return "skipped"
    user = contact.user
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    context = {
        "contact": contact,
        "organisation": contact.organisation,
        "link": settings.SITE_URL + path,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    source = _(
        "You receive this e-mail because the office entered your address as a contact person "
        "of %(organisation)s in the directory of the %(network)s."
    ) % {"organisation": contact.organisation.name, "network": settings.NETWORK_NAME}
    # The same Message-ID if the task runs again (its worker died after the server took it).
    invited = int(contact.account_invited_at.timestamp()) if contact.account_invited_at else 0
    headers = {"Message-ID": f"<account-{contact.pk}.{invited}@netzwerk>"}
    build_mail("account_invite", context, to=user.email, source=source, headers=headers).send()
    return "sent"


@task()
def send_entry_checks(check_ids: list[int]) -> dict[str, int]:
    return dict(Counter(send_entry_check(pk) for pk in check_ids))


@transaction.atomic
def send_entry_check(pk: int) -> str:
    """Mail one yearly check if it is still queued, holding its row lock until it is stored as
    sent: a second task for it (a retry, a second worker) waits, then skips. A worker dying
    after the server took the mail sends it again with the same Message-ID. A failure the
    next try may not have leaves it queued for the daily command to send again."""
    check = (
        EntryCheck.objects.select_for_update(of=("self",))
        .select_related("organisation", "contact")
        .filter(pk=pk, delivery=EntryCheck.Delivery.QUEUED)
        .first()
    )
    if check is None:
        return "skipped"
    contact = check.contact
    if SuppressedAddress.contains(contact.email):
        check.delivery = EntryCheck.Delivery.FAILED
        check.delivery_error = "Not sent: objection or erasure"
        check.save(update_fields=["delivery", "delivery_error"])
        return "withheld"
    context = {
        "contact": contact,
        "organisation": check.organisation,
        "link": settings.SITE_URL + reverse("entry_check", args=[check.token]),
        "valid_days": settings.ENTRY_CHECK_LINK_DAYS,
    }
    source = _(
        "You receive this e-mail because your address is entered for %(organisation)s in the "
        "directory of the %(network)s."
    ) % {"organisation": check.organisation.name, "network": settings.NETWORK_NAME}
    headers = {"Message-ID": f"<entry-check-{check.pk}@netzwerk>"}
    message = build_mail("entry_check", context, to=contact.email, source=source, headers=headers)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        if not refused_for_good(error):  # 4xx: the daily command tries again
            check.delivery_error = f"{type(error).__name__}: {error}"[:500]
            check.save(update_fields=["delivery_error"])
            return "deferred"
        note_address_refused([contact.pk], error)
        check.delivery = EntryCheck.Delivery.FAILED
        check.delivery_error = f"{type(error).__name__}: {error}"[:500]
        check.save(update_fields=["delivery", "delivery_error"])
        return "failed"
    except (smtplib.SMTPException, OSError) as error:
        check.delivery_error = f"{type(error).__name__}: {error}"[:500]
        check.save(update_fields=["delivery_error"])
        return "deferred"
    check.delivery, check.sent_at = EntryCheck.Delivery.SENT, timezone.now()
    check.save(update_fields=["delivery", "sent_at"])
    return "sent"
