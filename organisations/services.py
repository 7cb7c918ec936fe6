"""Workflows of the directory that span models or send mail."""

import datetime

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.security import log_event
from organisations.models import ContactPerson, EntryCheck, Organisation
from organisations.tasks import send_account_invitation, send_entry_checks


def invite_contact_to_account(
    *, contact: ContactPerson, invited_by, request: HttpRequest
) -> ContactPerson:
    """Give a contact person an account; the worker mails them a link to set their password.

    The account is linked to the contact entry. Sending again mails a fresh link; a link stops
    working once the password is set or after PASSWORD_RESET_TIMEOUT.
    """
    User = get_user_model()
    with transaction.atomic():
        contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
        user = contact.user
        if user is None:
            user = User.objects.filter(email__iexact=contact.email).first()
            if user is not None and ContactPerson.objects.filter(user=user).exists():
                raise ValidationError(
                    _("The e-mail address %(email)s already belongs to another contact entry.")
                    % {"email": contact.email}
                )
        if user is None:
            user = User(email=contact.email, first_name=contact.name[:150])
            get_adapter(request).populate_username(request, user)
            user.set_unusable_password()
            user.save()
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(
            primary=False
        )
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        contact.user = user
        contact.account_invited_at = timezone.now()
        contact.save(update_fields=["user", "account_invited_at", "updated_at"])

        transaction.on_commit(lambda: send_account_invitation.enqueue(contact.pk))
    log_event("account_invitation_queued", user=invited_by, contact=contact.pk)
    return contact


def unique_slug(name: str) -> str:
    """A slug for a new organisation that no other has ("caritas", "caritas-2", …)."""
    base = slugify(name)[:190] or "organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def check_recipients(organisation: Organisation) -> list[ContactPerson]:
    """Who is asked whether the entry is current: its editors, or without one, its contact
    persons who receive mail from the network."""
    contacts = list(organisation.contacts.all())
    editors = [contact for contact in contacts if contact.is_editor]
    return editors or [contact for contact in contacts if contact.receives_invitations]


def due_for_check() -> QuerySet[Organisation]:
    """Organisations confirmed (or entered) longer ago than the interval and not asked since."""
    asked = EntryCheck.objects.recent().filter(organisation=OuterRef("pk"))
    return Organisation.objects.unconfirmed().exclude(Exists(asked))


def ask_for_check(
    *, organisation: Organisation, not_since: datetime.timedelta, reminder: bool = False
) -> list[EntryCheck]:
    """Queue the mail "Ist Ihr Eintrag noch aktuell?" to each of the organisation's recipients;
    the worker sends it (organisations.tasks). Refused (ValidationError) when the organisation
    was asked within `not_since` or has nobody to ask. The organisation's row lock makes two
    clicks or two runs of the daily command ask once."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        since = timezone.now() - not_since
        asked = organisation.checks.filter(created_at__gte=since).order_by("-created_at").first()
        if asked is not None:
            raise ValidationError(
                _("%(name)s was asked on %(date)s already.")
                % {"name": organisation, "date": formats.date_format(asked.created_at)}
            )
        recipients = check_recipients(organisation)
        if not recipients:
            raise ValidationError(
                _("%(name)s has no contact person to ask.") % {"name": organisation}
            )
        checks = EntryCheck.objects.bulk_create(
            EntryCheck(organisation=organisation, contact=contact, reminder=reminder)
            for contact in recipients
        )
        ids = [check.pk for check in checks]
        transaction.on_commit(lambda: send_entry_checks.enqueue(ids))
    return checks


def confirm_entry(*, check: EntryCheck) -> None:
    """ "Alles aktuell": the organisation's entry is confirmed now (shown to members)."""
    now = timezone.now()
    organisation = check.organisation
    organisation.confirmed_at = now
    organisation._change_reason = "Eintrag bestätigt"
    organisation.save(update_fields=["confirmed_at", "updated_at"])
    EntryCheck.objects.filter(pk=check.pk).update(confirmed_at=now)
