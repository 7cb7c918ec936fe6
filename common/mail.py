"""The one mail builder: every mail the app sends is made here, from its templates.

`templates/emails/<name>_subject.txt`, `_body.txt` and `_body.html`; each body extends
`emails/base.txt` / `emails/base.html`, which end with the footer every mail carries: where the
address comes from (Art. 14 DSGVO, the `source` sentence of the caller), the link to the
privacy notice and, where the mail is one of a kind the person can stop, the link to do so.
allauth's account mails (login codes, password resets: sent at once, the person waits for them)
are rendered by allauth with the same base and footer (organisations.adapter.AccountAdapter).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse


def footer_context(*, source: str, objection_url: str = "") -> dict:
    """What the footer of every mail shows (emails/base.*), also for allauth's account mails."""
    return {
        "network_name": settings.NETWORK_NAME,
        "operator": settings.NETWORK_OPERATOR,
        "network_email": settings.NETWORK_EMAIL,
        "privacy_url": settings.SITE_URL + reverse("datenschutz"),
        "source": source,
        "objection_url": objection_url,
    }


def build_mail(
    name: str,
    context: dict,
    *,
    to: str,
    source: str,
    objection_url: str = "",
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    context = footer_context(source=source, objection_url=objection_url) | context
    # One line, whatever the template or a name in it holds: no header can be added.
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    return message
