"""The office's home and its page for one person (access on request, erasure)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from common.caching import list_cache_key
from common.security import log_event
from common.staff import staff_required
from meetings.models import Invitation, Meeting, ParticipationRequest
from office.forms import EraseForm, PersonSearchForm
from office.upkeep import upkeep_counts
from organisations.models import ContactPerson, Organisation, new_since
from privacy.services import ERASED_NAME, deleted_contacts, erase, erase_deleted_contacts
from privacy.views import export_response

# Meetings that ended longer ago than this leave the office's home (the archive keeps them).
PAST_IN_OFFICE = datetime.timedelta(days=365)
# The agenda's cached rendering is renewed at least this often: what is due moves with time.
AGENDA_MINUTES_SECONDS = 300
# The most urgent meetings shown at first; "?alle=1" shows every one.
AGENDA_SIZE = 30


def agenda() -> list[dict]:
    """Upcoming meetings and those of the last year, each with what is still to do, the most
    urgent first; meetings with nothing left to do come last, the next first."""
    now = timezone.now()
    meetings = Meeting.objects.filter(until__gte=now - PAST_IN_OFFICE).for_office()
    rows = []
    for meeting in meetings:
        tasks, due = meeting.office_tasks(now)
        rows.append({"meeting": meeting, "tasks": tasks, "due": due, "overdue": due and due < now})
    far = now + datetime.timedelta(days=36500)
    rows.sort(key=lambda row: (not row["tasks"], row["due"] or far, row["meeting"].sort_at))
    return rows


# The office home's list of contact persons who do not use an account (yet), by state.
ACCOUNT_STATES = {
    "": pgettext_lazy("accounts", "everyone without an account in use"),
    "neu": pgettext_lazy("accounts", "new (entered in the last 30 days), not invited yet"),
    "kein": pgettext_lazy("accounts", "not invited yet"),
    "eingeladen": pgettext_lazy("accounts", "invited, link still valid"),
    "abgelaufen": pgettext_lazy("accounts", "invited, link expired"),
}


def without_account(request):
    """Contact persons who have not logged in yet, narrowed by ?zugang= and ?suche=."""
    valid_since = timezone.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    contacts = ContactPerson.objects.filter(Q(user__isnull=True) | Q(user__last_login__isnull=True))
    state = request.GET.get("zugang", "")
    if state == "kein":
        contacts = contacts.filter(account_invited_at__isnull=True)
    elif state == "neu":
        contacts = contacts.filter(account_invited_at__isnull=True, created_at__gte=new_since())
    elif state == "eingeladen":
        contacts = contacts.filter(account_invited_at__gte=valid_since)
    elif state == "abgelaufen":
        contacts = contacts.filter(account_invited_at__lt=valid_since)
    query = request.GET.get("suche", "").strip()[:200]
    if query:
        contacts = contacts.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    contacts = contacts.select_related("organisation", "user").order_by(
        "organisation__sort_name", "sort_name"
    )
    return contacts, state if state in ACCOUNT_STATES else "", query


@staff_required
def home(request):
    """What is due for each meeting (the directory's figures are on the accounts page).

    The agenda's rendering is kept in the cache, keyed by the state of the meetings in it, of
    the requests to take part and the latest change of any invitation, and renewed every five
    minutes: what is due moves with the clock."""
    window = Meeting.objects.filter(until__gte=timezone.now() - PAST_IN_OFFICE)
    minutes = int(timezone.now().timestamp() // AGENDA_MINUTES_SECONDS)
    changed = Invitation.objects.aggregate(changed=Max("updated_at"))["changed"]
    everyone = request.GET.get("alle") == "1"
    requests = ParticipationRequest.objects.all()
    key = list_cache_key(request, window, requests, audience="staff", filters=False)
    context = {
        "agenda": SimpleLazyObject(agenda),
        "agenda_size": None if everyone else AGENDA_SIZE,
        "agenda_key": f"{minutes}:{changed and changed.timestamp()}:{everyone}:{key}",
        "upkeep": upkeep_counts(),
    }
    return render(request, "office/home.html", context)


@staff_required
def accounts(request):
    """Contact persons without an account in use: search, state, invite (again)."""
    contacts, state, query = without_account(request)
    context = {
        "organisation_count": Organisation.objects.count(),
        **ContactPerson.objects.aggregate(
            contact_count=Count("pk"),
            account_count=Count("pk", filter=Q(user__last_login__isnull=False)),
        ),
        "page": Paginator(contacts, 50).get_page(request.GET.get("seite")),
        "account_states": ACCOUNT_STATES,
        "account_state": state,
        "account_query": query,
    }
    return render(request, "office/accounts.html", context)


@staff_required
def person_data(request, pk, as_json=False):
    """Staff answer a request for access, or erase the person on request."""
    contact = get_object_or_404(ContactPerson.objects.select_related("organisation"), pk=pk)
    if contact.name == ERASED_NAME and not contact.user_id:
        messages.info(request, _("This person's data has been erased."))
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erase(contact)
        log_event("person_erased", request, contact=contact.pk)
        messages.success(
            request,
            _(
                "The data has been erased. Only a hash of the address stays, so that no "
                "invitation reaches the person again."
            ),
        )
        return redirect(contact.organisation)
    return export_response(
        request,
        contact,
        as_json=as_json and request.method == "GET",
        template_context={"own": False, "form": form},
    )


@staff_required
def person_search(request):
    """Everything held under an e-mail address: the contact entries with it (each with its
    page for access and erasure) and what is left of entries editors deleted, which the office
    erases here on request."""
    data = request.POST if request.method == "POST" else request.GET or None
    form = PersonSearchForm(data)
    erase_form = EraseForm(request.POST if request.method == "POST" else None)
    email = form.cleaned_data["email"] if form.is_valid() else ""
    if request.method == "POST" and email and erase_form.is_valid():
        erased = erase_deleted_contacts(email)
        log_event("person_leftovers_erased", request, entries=erased)
        messages.success(request, _("What was left of the deleted entries has been erased."))
        return redirect(f"{request.path}?{urlencode({'email': email})}")
    context = {
        "form": form,
        "erase_form": erase_form,
        "email": email,
        "contacts": ContactPerson.objects.filter(email__iexact=email).select_related("organisation")
        if email
        else [],
        "leftovers": deleted_contacts(email) if email else [],
        "requests": ParticipationRequest.objects.filter(email__iexact=email).select_related(
            "meeting"
        )
        if email
        else [],
    }
    return render(request, "office/person_search.html", context)
