"""Workflows of the directory that span models or send mail."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.models import ContactPerson


def invite_contact_to_account(
    *, contact: ContactPerson, invited_by, request: HttpRequest
) -> ContactPerson:
    """Give a contact person an account and mail them a link to set their password.

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
        contact.save(update_fields=["user", "updated_at"])

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
        "invited_by": invited_by,
        "link": request.build_absolute_uri(path),
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "network_name": settings.NETWORK_NAME,
    }
    subject = " ".join(render_to_string("emails/account_invite_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/account_invite_body.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("emails/account_invite_body.html", context), "text/html"
    )
    message.send()
    return contact
