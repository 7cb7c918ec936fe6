"""Background work of the directory: the account invitation, sent by the worker like every
other mail (the request that asks for it only queues it)."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from common.mail import build_mail
from organisations.models import ContactPerson


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
