"""The office's mailings (`/geschaeftsstelle/rundmails/`): write, choose the recipients with the
directory's own filters (the count and the list before sending, people added or removed by
hand), preview for any recipient, send through the worker and follow the delivery. The
workflows are in mailings/services.py."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.security import log_event
from common.staff import staff_required
from mailings.attachments import MAX_SIZE, attachment_type
from mailings.emails import mailing_message
from mailings.models import Mailing, Recipient
from mailings.services import AUDIENCES, add_recipients, reachable, select_contacts, send_mailing
from meetings.models import Invitation, Meeting
from office.views import PAST_IN_OFFICE
from organisations.models import Organisation, Region, Topic


class MailingForm(forms.ModelForm):
    file = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        help_text=gettext_lazy(
            "One PDF or office document (Word, Excel, LibreOffice) without macros, up to 5 MB."
        ),
    )

    class Meta:
        model = Mailing
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        name = upload.name.rsplit("/", 1)[-1][:200]
        if upload.size > MAX_SIZE:  # before reading it
            raise forms.ValidationError(_("The attachment is larger than 5 MB."))
        data = upload.read()
        return name, attachment_type(name, data), data

    def save(self, commit=True):
        mailing = super().save(commit=False)
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
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"), queryset=Topic.objects.all(), required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organisation"),
        choices=[("", "–"), *Organisation.Kind.choices],
        required=False,
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The meetings of the office's agenda (upcoming and the past year) that have
        # invitations: a choice of some dozen, not every meeting ever held.
        window = timezone.now() - PAST_IN_OFFICE
        invited = Invitation.objects.filter(meeting=OuterRef("pk"))
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(Exists(invited), until__gte=window)
            .only("pk", "title", "sort_at")
            .order_by("-sort_at")
        )

    def clean(self):
        data = super().clean()
        if data.get("audience") in ("eingeladen", "anwesend") and not data.get("meeting"):
            self.add_error("meeting", _("Please choose the meeting."))
        return data

    def contacts(self):
        data = self.cleaned_data
        return select_contacts(
            audience=data["audience"],
            meeting=data.get("meeting"),
            topic=data.get("topic"),
            kind=data.get("kind", ""),
            region=data.get("region"),
        )


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
        # The live progress while the worker sends: the counts only.
        return render(request, "office/mailing.html#progress", context)
    selection = SelectionForm(request.GET if "audience" in request.GET else None)
    found = selection.contacts() if selection.is_bound and selection.is_valid() else None
    page = Paginator(recipients, 50).get_page(request.GET.get("seite"))
    chosen = request.GET.get("vorschau", "")
    preview_for = recipients.filter(pk=int(chosen)).first() if chosen.isdecimal() else None
    preview_for = preview_for or next(iter(page.object_list), None)
    context |= {
        "selection": selection,
        "found_count": found.count() if found is not None else None,
        "found": found.select_related("organisation")[:50] if found is not None else [],
        "person_form": PersonForm(),
        "page": page,
        "preview_for": preview_for,
        "preview": masked_preview(preview_for) if preview_for else None,
    }
    return render(request, "office/mailing.html", context)


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
    mailing = get_object_or_404(Mailing, pk=pk)
    if "email" in request.POST:
        form = PersonForm(request.POST)
        email = form.cleaned_data["email"] if form.is_valid() else ""
        contacts = reachable().filter(email__iexact=email)
        if not email or not contacts.exists():
            messages.error(
                request,
                _("Nobody in the directory who may receive mailings has this address."),
            )
            return redirect(mailing)
    else:
        selection = SelectionForm(request.POST)
        if not selection.is_valid():
            messages.error(request, _("Please check the selection."))
            return redirect(mailing)
        contacts = selection.contacts()
    added = add_recipients(mailing=mailing, contacts=contacts)
    messages.success(
        request,
        _("%(count)s persons added (those already on the list are left as they are).")
        % {"count": added},
    )
    return redirect(mailing)


@staff_required
@require_POST
def mailing_remove(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    removed, _details = mailing.recipients.filter(
        pk=int(chosen) if (chosen := request.POST.get("recipient", "")).isdecimal() else 0,
        delivery=Recipient.Delivery.DRAFT,
    ).delete()
    if removed:
        messages.success(request, _("The person has been taken off the list."))
    return redirect(mailing)


@staff_required
@require_POST
def mailing_send(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    queued = send_mailing(mailing=mailing)
    log_event("mailing_sent", request, mailing=mailing.pk, recipients=queued)
    if queued:
        messages.success(
            request, _("%(count)s e-mails are being sent by the worker.") % {"count": queued}
        )
    else:
        messages.info(request, _("Nothing to send: every recipient has the mailing already."))
    return redirect(mailing)
