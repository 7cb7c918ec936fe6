"""The office's evaluation (`/geschaeftsstelle/auswertung/`): the figures of a year or a
period for the annual report, as charts with their tables, sortable, printable on A4 and as
CSV. The figures themselves are computed in meetings/figures.py."""

import csv
import datetime
import hashlib

from django import forms
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.caching import LIST_CACHE_SECONDS, change_versions
from common.security import log_event
from common.staff import staff_required
from meetings.figures import period_figures
from meetings.models import Invitation, Meeting
from office.attendance import spreadsheet_safe
from organisations.models import ContactPerson, Organisation

# The organisations' table shows this many rows a page; the CSV holds them all.
TABLE_PAGE_SIZE = 100
SORTS = {
    "name": lambda row: row.organisation.sort_name,
    "besucht": lambda row: (-row.attended, row.organisation.sort_name),
    "eingeladen": lambda row: (-row.invited, row.organisation.sort_name),
    "quote": lambda row: (-(row.attended / row.invited), row.organisation.sort_name),
}


class PeriodForm(forms.Form):
    """A year, or a period from one day to another (both days counted)."""

    jahr = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000)
    von = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bis = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("von"), data.get("bis")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Please give both days of the period, or a year."))
        latest = timezone.localdate().year + 1
        if any(day and not 2000 <= day.year <= latest for day in (start, end)):
            raise forms.ValidationError(
                _("Please choose days between the year 2000 and next year.")
            )
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it begins."))
        if start and end and (end - start).days > 3660:
            raise forms.ValidationError(_("Please choose a period of at most ten years."))
        if data.get("jahr") and data["jahr"] > timezone.localdate().year + 1:
            self.add_error("jahr", _("Please choose a year up to next year."))
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The first and the last day."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("von"):
            return data["von"], data["bis"]
        year = data.get("jahr") or timezone.localdate().year
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def bounds(first: datetime.date, last: datetime.date) -> tuple:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, zone)
    return start, datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, zone
    )


def years() -> list[int]:
    first = Meeting.objects.filter(starts_at__isnull=False).order_by("starts_at").first()
    now = timezone.localdate().year
    return list(range(now, (first.starts_at.year if first else now) - 1, -1))


@staff_required
def evaluation(request):
    """The page is rendered once per state of what it counts and kept in the cache: the
    meetings, the organisations and persons (their latest change, deletions included), the
    invitations' latest change (answers; recorded attendance changes the meeting), the period,
    the order and the language. A year of the reference data takes 250 ms to count and draw."""
    form = PeriodForm(request.GET or None)
    invitations = Invitation.objects.aggregate(changed=Max("updated_at"))["changed"]
    state = [
        *change_versions([Meeting, Organisation, ContactPerson]),
        str(invitations),
        request.GET.urlencode(),
        request.LANGUAGE_CODE,
    ]
    key = "evaluation:" + hashlib.sha256("|".join(state).encode()).hexdigest()
    kept = caches["template_fragments"]
    content = kept.get(key)
    if content is None:
        content = render_to_string(
            "office/evaluation_content.html", evaluation_context(request, form), request
        )
        kept.set(key, content, LIST_CACHE_SECONDS)
    return render(request, "office/evaluation.html", {"content": content})


def evaluation_context(request, form: PeriodForm) -> dict:
    first, last = form.period()
    figures = period_figures(*bounds(first, last))
    sort = request.GET.get("sortierung", "besucht")
    figures["table"].sort(key=SORTS.get(sort, SORTS["besucht"]))
    held = [row for row in figures["meetings"] if row.meeting.status == Meeting.Status.HELD]
    return {
        "page": Paginator(figures["table"], TABLE_PAGE_SIZE).get_page(request.GET.get("seite")),
        "form": form,
        "years": years(),
        "meeting_rows": [
            (
                f"{date_format(timezone.localtime(row.meeting.starts_at), 'SHORT_DATE_FORMAT')} "
                f"{row.meeting.title}",
                [row.said_yes, row.present],
            )
            for row in held
        ],
        "meeting_series": [_("said yes"), _("present")],
        "theme_rows": [(name, people) for name, _meetings, people in figures["themes"]],
        "answer_rows": [
            (label, [present, absent])
            for label, present, absent, _unknown in figures["answers"]
            if present or absent
        ],
        "answer_series": [_("present"), _("absent")],
        "first": first,
        "last": last,
        "sort": sort if sort in SORTS else "besucht",
        "query": request.GET.copy(),
        **figures,
    }


@staff_required
def evaluation_csv(request):
    """The organisations' table of the period, for the annual report's spreadsheet."""
    form = PeriodForm(request.GET or None)
    first, last = form.period()
    figures = period_figures(*bounds(first, last))
    log_event("export", request, kind="evaluation_csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"auswertung-{first.isoformat()}-{last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # lets spreadsheet programs recognise UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Organisation"),
            _("Kind"),
            _("Core circle"),
            _("Meetings invited to"),
            _("Meetings attended"),
        ]
    )
    for row in figures["table"]:
        organisation = row.organisation
        cells = [
            organisation.name,
            organisation.get_kind_display(),
            _("yes") if organisation.in_core_circle else _("no"),
            row.invited,
            row.attended,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return response
