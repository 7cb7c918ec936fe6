"""What is stale in the directory, for the office: entries not confirmed for longer than the
interval, addresses the mail server refused, organisations nobody of which is invited, and
people without an account (the accounts page), each with the one click that helps."""

import datetime
import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.caching import change_versions
from common.security import log_event
from common.staff import staff_required
from organisations.models import ContactPerson, Organisation
from organisations.services import ask_for_check

PAGE_SIZE = 50
LISTS = {
    "unbestaetigt": gettext_lazy("Not confirmed for over a year"),
    "adressen": gettext_lazy("Addresses to check"),
    "ohne-einladung": gettext_lazy("Nobody receives the invitations"),
}
# The kept figures are renewed at least this often.
COUNTS_SECONDS = 3600
# The office asks an organisation again at most once a day.
ASK_AGAIN_AFTER = datetime.timedelta(days=1)


def upkeep_counts() -> dict[str, int]:
    """The lists' sizes, for this page and the office's home. Counting 2,000 organisations and
    10,000 persons takes a third of the home's time: the figures are kept in the cache, keyed by
    the latest change to organisations and persons, the latest login (an account in use) and
    the hour (an entry falls out of date as time passes)."""
    latest_login = get_user_model().objects.aggregate(latest=Max("last_login"))["latest"]
    state = [
        *change_versions([Organisation, ContactPerson]),
        str(latest_login),
        timezone.now().strftime("%Y%m%d%H"),
    ]
    key = "upkeep:" + hashlib.sha256(":".join(state).encode()).hexdigest()

    kept = caches["template_fragments"]
    counts = kept.get(key)
    if counts is None:
        counts = Organisation.objects.upkeep_counts() | ContactPerson.objects.aggregate(
            refused=Count("pk", filter=Q(address_failed_at__isnull=False)),
            without_account=Count(
                "pk", filter=Q(user__isnull=True) | Q(user__last_login__isnull=True)
            ),
        )
        kept.set(key, counts, COUNTS_SECONDS)
    return counts


def stale_rows(name: str):
    if name == "adressen":
        return (
            ContactPerson.objects.filter(address_failed_at__isnull=False)
            .select_related("organisation")
            .order_by("-address_failed_at", "pk")
        )
    if name == "ohne-einladung":
        organisations = Organisation.objects.without_invited_contact().annotate(
            contact_count=Count("contacts"),
            editor_count=Count("contacts", filter=Q(contacts__is_editor=True)),
        )
    else:
        organisations = Organisation.objects.unconfirmed().annotate(
            last_asked=Max("checks__created_at")
        )
    return organisations.order_by("sort_name", "name")


@staff_required
def stale(request):
    name = request.GET.get("liste", "")
    name = name if name in LISTS else "unbestaetigt"
    counts = upkeep_counts()
    sizes = [counts["unconfirmed"], counts["refused"], counts["uninvited"]]
    tabs = [(key, label, size) for (key, label), size in zip(LISTS.items(), sizes, strict=True)]
    context = {
        "tabs": tabs,
        "shown": name,
        "counts": counts,
        "page": Paginator(stale_rows(name), PAGE_SIZE).get_page(request.GET.get("seite")),
    }
    return render(request, "office/stale.html", context)


@staff_required
@require_POST
def check_again(request):
    """Ask an organisation now whether its entry is current (the yearly check's mail); the
    list's buttons share one form, each naming its organisation."""
    form = CheckAgainForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose an organisation from the list."))
    else:
        organisation = form.cleaned_data["organisation"]
        try:
            checks = ask_for_check(
                organisation=organisation, not_since=ASK_AGAIN_AFTER, reminder=True
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            log_event("entry_check_requested", request, organisation=organisation.pk)
            names = ", ".join(check.contact.name for check in checks)
            messages.success(
                request,
                _("%(name)s is asked: the mail goes to %(people)s.")
                % {"name": organisation.name, "people": names},
            )
    shown = request.POST.get("liste", "")
    return redirect(reverse("office:stale") + (f"?liste={shown}" if shown in LISTS else ""))


class CheckAgainForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
