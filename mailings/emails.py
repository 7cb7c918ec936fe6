"""A mailing's mail: its text as plain text and as HTML (no raw HTML: what the office typed is
escaped; paragraphs, lists, headings and links only), the attachment, the footer, and the
personal "keine Rundmails mehr" link in the text and in the headers (RFC 2369 and RFC 8058:
one click from the mail program, a POST without a form)."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from common.mail import build_mail
from mailings.models import Recipient

MAILING_SOURCE = gettext_lazy(
    "You receive this mailing because you are entered as a contact person of %(organisation)s "
    "in the directory of the %(network)s."
)


def text_to_html(text: str) -> SafeString:
    """Paragraphs at blank lines, "- " lines as a list, "# " lines as headings, addresses as
    links; everything else escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{inline(line.lstrip()[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and lines[0].startswith("# "):
            blocks.append(f"<h2>{inline(lines[0][2:])}</h2>")
        else:
            blocks.append("<p>" + "<br>".join(inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 — every piece escaped by inline()


def inline(text: str) -> str:
    return urlize(escape(text), nofollow=True, autoescape=False)


def unsubscribe_url(recipient: Recipient) -> str:
    return settings.SITE_URL + reverse("mailing_unsubscribe", args=[recipient.token])


def mailing_message(recipient: Recipient) -> EmailMultiAlternatives:
    mailing, contact = recipient.mailing, recipient.contact
    link = unsubscribe_url(recipient)
    context = {
        "mailing": mailing,
        "contact": contact,
        "html_body": text_to_html(mailing.body),
        "unsubscribe_url": link,
    }
    source = MAILING_SOURCE % {
        "organisation": contact.organisation.name,
        "network": settings.NETWORK_NAME,
    }
    headers = {
        "Message-ID": f"<mailing-{mailing.pk}-{recipient.pk}@netzwerk>",
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = build_mail("mailing", context, to=contact.email, source=source, headers=headers)
    if mailing.attachment_name:
        message.attach(mailing.attachment_name, mailing.attachment_bytes, mailing.attachment_type)
    return message
