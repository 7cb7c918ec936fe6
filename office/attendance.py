"""After the meeting, and answers taken by the office: attendance, the participants as CSV,
the sign-in sheet, an answer that came by phone or mail."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.security import log_event
from common.staff import staff_required
from meetings.models import Invitation, Meeting
from meetings.services import record_answer, record_attendance
from office.forms import OfficeAnswerForm

Answer = Invitation.Answer


def spreadsheet_safe(value) -> str:
    """Cells starting like a formula are read as text by spreadsheet programs."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@staff_required
def participants_csv(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    invitations = Invitation.objects.filter(meeting=meeting).select_related("contact__organisation")
    log_event("export", request, kind="participants_csv", meeting=meeting.pk)
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
        .order_by("contact__organisation__sort_name", "contact__sort_name")
    )
    context = {"meeting": meeting, "invitations": invitations, "blank_rows": range(8)}
    return render(request, "office/sign_in_sheet.html", context)


@staff_required
def attendance(request, slug):
    meeting = get_object_or_404(Meeting.objects.for_list(), slug=slug)
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("contact__organisation")
        .order_by("contact__organisation__sort_name", "contact__sort_name")
    )
    if request.method == "POST":
        ids = {int(value) for value in request.POST.getlist("present") if value.isdecimal()}
        try:
            record_attendance(meeting=meeting, present_ids=ids)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("Attendance saved: %(figures)s.") % {"figures": meeting.attendance_figures},
            )
        return redirect("office:attendance", slug=meeting.slug)
    return render(
        request, "office/attendance.html", {"meeting": meeting, "invitations": invitations}
    )


@staff_required
def answer_for_invitee(request, slug, pk):
    """An answer that came by phone or mail, recorded by the office."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting", "contact__organisation"),
        meeting__slug=slug,
        pk=pk,
    )
    form = OfficeAnswerForm(request.POST or None, instance=invitation)
    if request.method == "POST" and form.is_valid():
        record_answer(invitation=invitation, **form.cleaned_data)
        messages.success(
            request,
            _("The answer of %(name)s has been saved.") % {"name": invitation.contact.name},
        )
        return redirect("office:round", slug=slug)
    context = {"invitation": invitation, "meeting": invitation.meeting, "form": form}
    return render(request, "office/answer.html", context)
