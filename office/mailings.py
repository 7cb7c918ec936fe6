"""The office's mailings (`/geschaeftsstelle/rundmails/`): write, choose the recipients with the
directory's own filters (the count and the list before sending, people added or removed by
hand), preview for any recipient, send through the worker and follow the delivery. The
workflows are in mailings/services.py."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from common.security import log_event
from common.staff import staff_required
from mailings.attachments import MAX_SIZE, attachment_type
from mailings.emails import mailing_message, text_to_html
from mailings.models import Mailing, Recipient
from mailings.services import AUDIENCES, add_recipients, reachable, select_contacts, send_mailing
from meetings.models import Invitation, Meeting
from office.views import PAST_IN_OFFICE
from organisations.models import ContactPerson, Organisation, Region, Topic


class MailingForm(forms.ModelForm):
    file = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        help_text=gettext_lazy(
            "One PDF or office document (Word, Excel, LibreOffice) without macros, up to 5 MB."
        ),
    )

    remove_attachment = forms.BooleanField(
        label=gettext_lazy("Remove the attachment"), required=False
    )

    class Meta:
        model = Mailing
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.attachment_name:
            del self.fields["remove_attachment"]
        else:  # said where the file is chosen, before the box that removes it
            self.fields["file"].help_text = format_lazy(
                "{} {}",
                self.fields["file"].help_text,
                _("Attached now: %(name)s (a new file replaces it).")
                % {"name": escape(self.instance.attachment_name)},  # help texts are not escaped
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        name = upload.name.rsplit("/", 1)[-1][:200]
        try:
            if upload.size > MAX_SIZE:  # before reading it
                raise forms.ValidationError(_("The attachment is larger than 5 MB."))
            data = upload.read()
            return name, attachment_type(name, data), data
        except forms.ValidationError as error:
            # The browser forgets the chosen file: name it, and say to choose one again.
            raise forms.ValidationError(
                _("“%(name)s”: %(problem)s Please choose a file again.")
                % {"name": name, "problem": " ".join(error.messages)}
            ) from error

    def save(self, commit=True):
        mailing = super().save(commit=False)
        if self.cleaned_data.get("remove_attachment") and not self.cleaned_data.get("file"):
            mailing.attachment_name, mailing.attachment_type, mailing.attachment = "", "", b""
        if self.cleaned_data.get("file"):
            mailing.attachment_name, mailing.attachment_type, mailing.attachment = (
                self.cleaned_data["file"]
            )
        if commit:
            mailing.save()
        return mailing


class SelectionForm(forms.Form):
    """The directory's filters, combined."""

    audience = forms.ChoiceField(label=gettext_lazy("Who"), choices=AUDIENCES.items())
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Meeting (for those invited or present)"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=gettext_lazy("no meeting"),
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=gettext_lazy("all topics"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organisation"),
        choices=[("", gettext_lazy("all kinds")), *Organisation.Kind.choices],
        required=False,
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=gettext_lazy("all regions"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The meetings of the office's agenda (upcoming and the past year) that have
        # invitations: a choice of some dozen, not every meeting ever held.
        window = timezone.now() - PAST_IN_OFFICE
        invited = Invitation.objects.filter(meeting=OuterRef("pk"))
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(Exists(invited), until__gte=window)
            .only("pk", "title", "sort_at", "starts_at")
            .order_by("-sort_at")
        )
        self.fields["meeting"].label_from_instance = meeting_label

    def clean(self):
        data = super().clean()
        if data.get("audience") in ("eingeladen", "anwesend") and not data.get("meeting"):
            self.add_error("meeting", _("Please choose the meeting."))
        return data

    def contacts(self, among=None):
        data = self.cleaned_data
        return select_contacts(
            audience=data["audience"],
            meeting=data.get("meeting"),
            topic=data.get("topic"),
            kind=data.get("kind", ""),
            region=data.get("region"),
            among=among,
        )


def meeting_label(meeting: Meeting) -> str:
    if meeting.starts_at is None:
        return meeting.title
    return f"{date_format(timezone.localtime(meeting.starts_at), 'j. F Y')}: {meeting.title}"


class PersonForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address of a person in the directory"))


@staff_required
def mailing_list(request):
    mailings = (
        Mailing.objects.defer("attachment")
        .order_by("-created_at", "-pk")
        .annotate(
            recipient_count=Count("recipients"),
            sent_count=Count("recipients", filter=Q(recipients__delivery="sent")),
        )
    )
    page = Paginator(mailings, 30).get_page(request.GET.get("seite"))
    return render(request, "office/mailings.html", {"page": page})


@staff_required
def mailing_compose(request, pk=None):
    mailing = (
        get_object_or_404(Mailing, pk=pk, sent_at=None) if pk else Mailing(created_by=request.user)
    )
    form = MailingForm(request.POST or None, request.FILES or None, instance=mailing)
    if request.method == "POST" and form.is_valid():
        mailing = form.save()
        messages.success(request, _("The mailing has been saved. Now choose who receives it."))
        return redirect(mailing)
    return render(request, "office/mailing_compose.html", {"form": form, "mailing": mailing})


@staff_required
def mailing_page(request, pk):
    # The attachment only when the preview is drawn (not for each look at the progress).
    mailing = get_object_or_404(Mailing.objects.defer("attachment"), pk=pk)
    recipients = mailing.recipients.select_related("contact__organisation")
    counts = dict(recipients.values_list("delivery").annotate(count=Count("pk")).order_by())
    context = {
        "mailing": mailing,
        "counts": counts,
        "total": sum(counts.values()),
        "waiting": counts.get("draft", 0) + counts.get("failed", 0),
    }
    if request.htmx and request.htmx.target == "progress":
        if not counts.get("queued"):
            return HttpResponseClientRefresh()  # sent: the whole page shows how it went
        return render(request, "office/mailing.html#progress", context)  # the counts only
    selection = SelectionForm(request.GET if "audience" in request.GET else None)
    if selection.is_bound and selection.is_valid():
        context |= selection_figures(mailing, selection)
    page = Paginator(recipients, 50).get_page(request.GET.get("seite"))
    chosen = request.GET.get("vorschau", "")
    preview_for = recipients.filter(pk=int(chosen)).first() if chosen.isdecimal() else None
    preview_for = preview_for or next(iter(page.object_list), None)
    context |= {
        "selection": selection,
        "person_form": PersonForm(),
        "page": page,
        "preview_for": preview_for,
        "preview": masked_preview(preview_for) if preview_for else None,
        "html_body": text_to_html(mailing.body),
    }
    return render(request, "office/mailing.html", context)


def selection_figures(mailing: Mailing, selection: SelectionForm) -> dict:
    """Whom the selection reaches (the first 50 named), how many of them are on the list
    already, and whom it leaves out and why."""
    found = selection.contacts()
    matched = selection.contacts(among=ContactPerson.objects.all())
    left_out = matched.exclude(pk__in=reachable().values("pk"))
    # On the list already: by address (someone entered twice gets one mail).
    listed = mailing.recipients.values(address=Lower("contact__email"))
    found = found.annotate(address=Lower("email"))
    new = found.exclude(address__in=listed)
    found_count = found.count()
    return {
        "found_count": found_count,
        "found": found.select_related("organisation")[:50],
        "already": found_count - new.count(),
        "to_add": new.aggregate(addresses=Count("address", distinct=True))["addresses"],
        "declined_count": left_out.filter(mailings_declined_at__isnull=False).count(),
        "no_mail_count": left_out.filter(receives_invitations=False).count(),
    }


def masked_preview(recipient: Recipient):
    """The mail as it goes to `recipient`, its personal link cut: "keine Rundmails mehr" and
    its undoing are the person's own (the office could otherwise use the link for them)."""
    message = mailing_message(recipient)
    message.body = message.body.replace(recipient.token, "…")
    return message


@staff_required
@require_POST
def mailing_add(request, pk):
    """Add the selection's persons, or one person by address."""
    mailing = get_object_or_404(Mailing.objects.defer("attachment"), pk=pk)
    if "email" in request.POST:
        form = PersonForm(request.POST)
        email = form.cleaned_data["email"] if form.is_valid() else ""
        problem = person_problem(mailing, email)
        if problem:
            messages.error(request, problem)
            return redirect(mailing)
        contact = reachable().with_address(email).first()
        add_recipients(mailing=mailing, contacts=[contact])
        messages.success(request, _("%(name)s has been added.") % {"name": contact.name})
        return redirect(mailing)
    selection = SelectionForm(request.POST)
    if not selection.is_valid():
        messages.error(request, _("Please check the selection."))
        return redirect(mailing)
    contacts = selection.contacts()
    chosen = contacts.aggregate(addresses=Count(Lower("email"), distinct=True))["addresses"]
    added = add_recipients(mailing=mailing, contacts=contacts)
    text = ngettext("%(count)s person added.", "%(count)s people added.", added) % {"count": added}
    if chosen > added:
        text += " " + ngettext(
            "%(count)s was on the list already.",
            "%(count)s were on the list already.",
            chosen - added,
        ) % {"count": chosen - added}
    messages.success(request, text)
    # Back to the same selection: the office may want to narrow it or count again.
    query = urlencode({key: request.POST.get(key, "") for key in selection.fields})
    return redirect(f"{mailing.get_absolute_url()}?{query}")


def person_problem(mailing: Mailing, email: str) -> str:
    """Why the person with this address cannot be added, said to the office; "" if they can."""
    if not email:
        return _("Please enter an e-mail address.")
    entries = ContactPerson.objects.with_address(email)
    entry = entries.first()
    if entry is None:
        return _("No one in the directory has the address %(email)s.") % {"email": email}
    if not entries.filter(receives_invitations=True).exists():
        return _(
            "%(name)s receives no mail from the network (objection, erasure, or the entry says so)."
        ) % {"name": entry.name}
    declined = entries.exclude(mailings_declined_at=None).first()
    if declined is not None:
        return _("%(name)s declined mailings on %(date)s.") % {
            "name": declined.name,
            "date": date_format(timezone.localtime(declined.mailings_declined_at), "j. F Y"),
        }
    if mailing.recipients.filter(contact__email__iexact=email).exists():
        return _("%(name)s is on the list already.") % {"name": entry.name}
    return ""


@staff_required
@require_POST
def mailing_remove(request, pk):
    """Someone taken off the list before their mail went out (or after it failed)."""
    mailing = get_object_or_404(Mailing.objects.defer("attachment"), pk=pk)
    removed, _details = mailing.recipients.filter(
        pk=int(chosen) if (chosen := request.POST.get("recipient", "")).isdecimal() else 0,
        delivery__in=[Recipient.Delivery.DRAFT, Recipient.Delivery.FAILED],
    ).delete()
    if removed:
        messages.success(request, _("The person has been taken off the list."))
    return redirect(mailing)


@staff_required
@require_POST
def mailing_delete(request, pk):
    """A draft the office no longer wants (a mailing that went out stays, as the record)."""
    mailing = get_object_or_404(Mailing.objects.defer("attachment"), pk=pk, sent_at=None)
    mailing.delete()
    messages.success(request, _("The draft “%(subject)s” has been deleted.") % {"subject": mailing})
    return redirect("office:mailings")


@staff_required
def mailing_send(request, pk):
    """A confirmation that says how many mails go out with what, then one click sends."""
    mailing = get_object_or_404(Mailing.objects.defer("attachment"), pk=pk)
    if request.method == "POST":
        queued = send_mailing(mailing=mailing)
        log_event("mailing_sent", request, mailing=mailing.pk, recipients=queued)
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)s e-mail is being sent in the background.",
                    "%(count)s e-mails are being sent in the background.",
                    queued,
                )
                % {"count": queued},
            )
        else:
            messages.info(request, _("Nothing to send: every recipient has the mailing already."))
        return redirect(mailing)
    waiting = mailing.recipients.filter(
        delivery__in=[Recipient.Delivery.DRAFT, Recipient.Delivery.FAILED]
    )
    context = {"mailing": mailing, "mails": waiting.count()}
    return render(request, "office/mailing_send.html", context)
