"""Workflows of the directory that span models or send mail."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.security import log_event
from organisations.models import ContactPerson, Organisation
from organisations.tasks import send_account_invitation


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
