"""The office's pages for an invitation round (Geschäftsstelle)."""

import csv

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meetings.forms import AnswerForm
from meetings.models import Invitation, Meeting
from meetings.services import (
    add_invitations,
    propose_invitees,
    record_answer,
    record_attendance,
    send_invitations,
)
from organisations.access import staff_required
from organisations.models import ContactPerson

Answer = Invitation.Answer
Delivery = Invitation.Delivery


def round_counts(meeting: Meeting) -> dict:
    """Delivery and answer figures of a round, in one query."""
    return Invitation.objects.filter(meeting=meeting).aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=Q(delivery=Delivery.DRAFT)),
        queued=Count("pk", filter=Q(delivery=Delivery.QUEUED)),
        sent=Count("pk", filter=Q(delivery=Delivery.SENT)),
        failed=Count("pk", filter=Q(delivery=Delivery.FAILED)),
        yes=Count("pk", filter=Q(answer=Answer.YES)),
        maybe=Count("pk", filter=Q(answer=Answer.MAYBE)),
        no=Count("pk", filter=Q(answer=Answer.NO)),
        open=Count("pk", filter=Q(answer=Answer.OPEN)),
        expected=Sum("persons", filter=Q(answer=Answer.YES), default=0),
    )


@staff_required
def invitation_round(request, slug):
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    query = request.GET.get("suche", "").strip()
    found = []
    if query:
        invited = Invitation.objects.filter(meeting=meeting).values("contact_id")
        found = (
            ContactPerson.objects.filter(
                Q(name__icontains=query)
                | Q(email__icontains=query)
                | Q(organisation__name__icontains=query)
            )
            .exclude(pk__in=invited)
            .select_related("organisation")[:20]
        )
    context = {
        "meeting": meeting,
        "counts": round_counts(meeting),
        "proposals": propose_invitees(meeting=meeting),
        "invitations": Invitation.objects.filter(meeting=meeting).select_related(
            "contact__organisation"
        ),
        "query": query,
        "found": found,
    }
    template = "meetings/staff/round.html"
    if request.htmx and request.htmx.target == "progress":
        template += "#progress"
    return render(request, template, context)


@staff_required
@require_POST
def invitation_add(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    added = 0
    for reason in Invitation.Reason.values:
        ids = [value for value in request.POST.getlist(reason) if value.isdigit()]
        contacts = ContactPerson.objects.filter(pk__in=ids)
        added += add_invitations(meeting=meeting, contacts=contacts, reason=reason)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d person added to the round.",
                "%(count)d people added to the round.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.error(request, _("Please tick at least one person who is not invited yet."))
    return redirect("staff_meetings:round", slug=meeting.slug)


@staff_required
@require_POST
def invitation_send(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    queued = send_invitations(meeting=meeting, sent_by=request.user)
    if queued:
        messages.success(
            request,
            ngettext(
                "%(count)d invitation is being sent.",
                "%(count)d invitations are being sent.",
                queued,
            )
            % {"count": queued},
        )
    else:
        messages.info(request, _("There is nothing to send: every invitation has gone out."))
    return redirect("staff_meetings:round", slug=meeting.slug)


def spreadsheet_safe(value) -> str:
    """Cells starting like a formula are read as text by spreadsheet programs."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@staff_required
def participants_csv(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    invitations = Invitation.objects.filter(meeting=meeting).select_related("contact__organisation")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="teilnehmende-{meeting.slug}.csv"'
    response.write("\ufeff")  # lets spreadsheet programs recognise UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Name"),
            _("Organisation"),
            _("E-mail"),
            _("Answer"),
            _("People"),
            _("Note"),
            _("Present"),
        ]
    )
    for invitation in invitations:
        present = {True: _("yes"), False: _("no"), None: ""}[invitation.attended]
        row = [
            invitation.contact.name,
            invitation.contact.organisation.name,
            invitation.contact.email,
            invitation.get_answer_display(),
            invitation.persons,
            invitation.note,
            present,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@staff_required
def sign_in_sheet(request, slug):
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    invitations = (
        Invitation.objects.filter(meeting=meeting, answer__in=[Answer.YES, Answer.MAYBE])
        .select_related("contact__organisation")
        .order_by("contact__organisation__sort_name", "contact__name")
    )
    context = {"meeting": meeting, "invitations": invitations, "blank_rows": range(8)}
    return render(request, "meetings/staff/sign_in_sheet.html", context)


@staff_required
def attendance(request, slug):
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("contact__organisation")
        .order_by("contact__organisation__sort_name", "contact__name")
    )
    if request.method == "POST":
        ids = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
        record_attendance(meeting=meeting, present_ids=ids)
        messages.success(
            request,
            _("Attendance saved: %(figures)s.") % {"figures": meeting.attendance_label},
        )
        return redirect("staff_meetings:attendance", slug=meeting.slug)
    return render(
        request, "meetings/staff/attendance.html", {"meeting": meeting, "invitations": invitations}
    )


@staff_required
def answer_for_invitee(request, slug, pk):
    """An answer that came by phone or mail, recorded by the office."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting", "contact__organisation"),
        meeting__slug=slug,
        pk=pk,
    )
    form = AnswerForm(request.POST or None, instance=invitation)
    if request.method == "POST" and form.is_valid():
        record_answer(invitation=invitation, **form.cleaned_data)
        messages.success(
            request,
            _("The answer of %(name)s has been saved.") % {"name": invitation.contact.name},
        )
        return redirect("staff_meetings:round", slug=slug)
    context = {"invitation": invitation, "meeting": invitation.meeting, "form": form}
    return render(request, "meetings/staff/answer.html", context)
