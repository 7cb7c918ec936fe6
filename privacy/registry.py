"""The registry of person data: every place that holds data about a person.

PERSON_DATA lists them by the model and the field that points at the contact entry or the user
account; a test fails when a model refers to a person and is neither listed here nor in
NOT_EXPORTED with its reason. The export (Art. 15) and the erase (Art. 17) in
privacy/services.py walk this list.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy

from organisations.models import ContactPerson

# (model label, lookup from that model to the person, whose: "contact", "user" or "email" —
# the last for what someone sent before they were in the directory, found by their address)
PERSON_DATA = [
    ("organisations.contactperson", "pk", "contact"),
    ("organisations.historicalcontactperson", "id", "contact"),
    ("organisations.historicalcontactperson_topics", "contactperson", "contact"),
    ("organisations.entrycheck", "contact", "contact"),
    ("meetings.invitation", "contact", "contact"),
    ("mailings.recipient", "contact", "contact"),
    ("meetings.notice", "invitation__contact", "contact"),
    ("meetings.substituteproposal", "invitation__contact", "contact"),
    ("meetings.participationrequest", "email__iexact", "email"),
    ("meetings.pollparticipant", "contact", "contact"),
    ("meetings.pollanswer", "participant__contact", "contact"),
    ("meetings.pollnotice", "participant__contact", "contact"),
    ("auth.user", "pk", "user"),
    ("account.emailaddress", "user", "user"),
    ("mfa.authenticator", "user", "user"),
    ("admin.logentry", "user", "user"),
    ("organisations.historicalorganisation", "history_user", "user"),
    ("organisations.historicalcontactperson", "history_user", "user"),
    ("meetings.historicalmeeting", "history_user", "user"),
]

# Fields referring to a person that the export leaves out, and why.
NOT_EXPORTED = {
    ("organisations.contactperson", "user"): "the account is exported as auth.user",
    ("organisations.contactperson", "consent_recorded_by"): (
        "other people's entries, naming this person only as who recorded their consent"
    ),
    ("organisations.historicalcontactperson", "consent_recorded_by"): (
        "the same, in the history of other people's entries"
    ),
    ("mailings.mailing", "created_by"): "the office's record of who wrote a mailing",
    ("organisations.directoryimport", "uploaded_by"): (
        "the office's record of who imported a list; the list itself is deleted once imported"
    ),
}

# What a row points to, shown beside its key so the person can tell what it is.
ALSO_SHOWN = {
    "mailings.recipient": {"mailing__subject": gettext_lazy("subject of the mailing")},
    "meetings.invitation": {"meeting__title": gettext_lazy("meeting")},
}

# Secrets that are never shown, not even to the person: they would open the account or links.
SECRET_FIELDS = {
    "auth.user": {"password"},
    "mfa.authenticator": {"data"},
    "meetings.invitation": {"nonce", "token_hash"},
    "meetings.pollparticipant": {"nonce", "token_hash"},
    "mailings.recipient": {"nonce", "token_hash"},
}


def person_rows(contact: ContactPerson) -> list[tuple[str, object]]:
    """(key, queryset) for every place with data about the person; the key is the model's
    label, with ":changes_made" for the changes the person made to other records."""
    owners = {"contact": contact.pk, "user": contact.user_id, "email": contact.email}
    rows = []
    for label, lookup, whose in PERSON_DATA:
        owner = owners[whose]
        if owner is None:
            continue
        model = apps.get_model(label)
        key = f"{label}:changes_made" if lookup == "history_user" else label
        rows.append((key, model._default_manager.filter(**{lookup: owner})))
    return rows


TITLES = {
    "organisations.contactperson": gettext_lazy("Contact entry"),
    "organisations.historicalcontactperson": gettext_lazy("Earlier versions of the entry"),
    "organisations.historicalcontactperson_topics": gettext_lazy(
        "Topics in earlier versions of the entry"
    ),
    "organisations.entrycheck": gettext_lazy("Yearly checks of the entry"),
    "meetings.invitation": gettext_lazy("Invitations and answers"),
    "mailings.recipient": gettext_lazy("Mailings received"),
    "meetings.notice": gettext_lazy("Reminders, change notices and confirmations"),
    "meetings.substituteproposal": gettext_lazy("Substitutes you proposed to the office"),
    "meetings.participationrequest": gettext_lazy("Your requests to take part in meetings"),
    "meetings.pollparticipant": gettext_lazy("Date polls you were asked in"),
    "meetings.pollanswer": gettext_lazy("Your answers in date polls"),
    "meetings.pollnotice": gettext_lazy("Reminders and notices of date polls"),
    "auth.user": gettext_lazy("User account"),
    "account.emailaddress": gettext_lazy("E-mail addresses of the account"),
    "mfa.authenticator": gettext_lazy("Second factors (without their secrets)"),
    "admin.logentry": gettext_lazy("Changes made in the administration"),
    "organisations.historicalorganisation:changes_made": gettext_lazy(
        "Changes the person made to organisations"
    ),
    "organisations.historicalcontactperson:changes_made": gettext_lazy(
        "Changes the person made to contact entries"
    ),
    "meetings.historicalmeeting:changes_made": gettext_lazy("Changes the person made to meetings"),
}
