"""Mailings: the office writes to a chosen part of the network (issue 18). A mailing keeps its
text and each recipient's delivery; recipients are mail records like invitations, sent by the
worker through the same locked send (meetings.tasks.send_batch)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from meetings.models import MailState, PersonalLink
from organisations.models import ContactPerson


class Mailing(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        max_length=20000,
        help_text=_(
            "Plain text. A blank line starts a new paragraph; a line starting with “- ” is a "
            "list item; a line starting with “# ” a heading; web addresses become links."
        ),
    )
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True, editable=False)
    attachment = models.BinaryField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("first sent at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("office:mailing", args=[self.pk])

    @cached_property
    def attachment_bytes(self) -> bytes:
        """The attachment, once for all the mails written from this instance."""
        return bytes(self.attachment)


class Recipient(PersonalLink, MailState):
    """One person a mailing goes to; its personal link lets them unsubscribe from mailings."""

    link_purpose, answer_view = "mailing", "mailing_unsubscribe"
    person_path = ""
    # Never to someone who said "keine Rundmails mehr" (or whose address is suppressed: they
    # receive no mail from the network, `receives_invitations`).
    withheld_if_set = ("contact__mailings_declined_at",)

    mailing = models.ForeignKey(
        Mailing, verbose_name=_("mailing"), related_name="recipients", on_delete=models.CASCADE
    )
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        related_name="mailings_received",
        on_delete=models.CASCADE,
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("link revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["contact__sort_name", "pk"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "contact"], name="one_mail_per_person")
        ]
        indexes = [models.Index(fields=["mailing", "delivery"])]

    def __str__(self) -> str:
        return f"{self.contact} ({self.mailing})"

    @property
    def inviting(self) -> bool:
        """Like an invitation: never to someone who receives no mail from the network."""
        return True
