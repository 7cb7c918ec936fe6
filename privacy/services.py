"""The rights of a person under the DSGVO: access to all data held (Art. 15) and erasure
(Art. 17), over every place the registry (privacy/registry.py) names."""

import json
import re

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.caching import drop_renderings
from mailings.models import Recipient
from meetings.models import (
    Invitation,
    Notice,
    ParticipationRequest,
    PollParticipant,
    SubstituteProposal,
)
from organisations.models import ContactPerson, EntryCheck, SuppressedAddress, sort_key
from privacy.registry import ALSO_SHOWN, PERSON_DATA, SECRET_FIELDS, TITLES, person_rows


def export(contact: ContactPerson) -> dict:
    """All data held about the person, as JSON-ready data: {model label: [rows]}."""
    data = {}
    for key, queryset in person_rows(contact):
        label = queryset.model._meta.label_lower
        hidden = SECRET_FIELDS.get(label, set())
        fields = [f.attname for f in queryset.model._meta.concrete_fields if f.name not in hidden]
        data[key] = list(queryset.values(*fields, *ALSO_SHOWN.get(label, {})))
    return data


def shown(field, value):
    """A stored value as a person reads it: labels of choices, yes and no."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return value


def readable(contact: ContactPerson) -> list[dict]:
    """The export as sections with German headings and field names, for the page."""
    sections = []
    for key, rows in export(contact).items():
        model = apps.get_model(key.partition(":")[0])
        fields = {f.attname: f for f in model._meta.concrete_fields}
        names = ALSO_SHOWN.get(model._meta.label_lower, {})
        sections.append(
            {
                "label": key,
                "title": TITLES.get(key, model._meta.verbose_name_plural),
                "rows": [
                    [
                        (
                            fields[name].verbose_name if name in fields else names.get(name, name),
                            shown(fields.get(name), value),
                        )
                        for name, value in row.items()
                    ]
                    for row in rows
                ],
            }
        )
    return sections


ERASED_NAME = "Gelöschte Person"


def history_of_contacts():
    return apps.get_model("organisations", "historicalcontactperson").objects


@transaction.atomic
def erase(contact: ContactPerson) -> None:
    """Anonymise the person everywhere; keep a hash of the address so objections still hold.

    Aggregate attendance figures stay: the meeting keeps its counts, the invitation rows stay
    with their answers, but nothing in them points to who the person was. Their links are
    revoked (nothing more goes to the placeholder address), the admin's log loses every mention
    of them, and every cached rendering is dropped once this commits.
    """
    history = history_of_contacts().filter(id=contact.pk)
    names = {contact.name, *history.values_list("name", flat=True)}
    emails = {contact.email, *history.values_list("email", flat=True)}
    for email in emails:
        SuppressedAddress.add(email)
    user = contact.user
    invitations = Invitation.objects.filter(contact=contact)
    invitation_ids = list(invitations.values_list("pk", flat=True))
    Notice.objects.filter(invitation__in=invitation_ids).update(delivery_error="")
    SubstituteProposal.objects.filter(
        Q(invitation__in=invitation_ids) | email_is_any(emails)
    ).delete()
    ParticipationRequest.objects.filter(email_is_any(emails)).delete()
    # Date polls: the person's answers, comments and links go (the poll's figures follow).
    PollParticipant.objects.filter(contact=contact).delete()
    invitations.update(note="", delivery_error="", revoked_at=timezone.now())
    relinked = list(invitations)
    for invitation in relinked:
        invitation.new_link()  # old links stop working, and the new one is revoked
    Invitation.objects.bulk_update(relinked, ["nonce", "token_hash"])
    placeholder = f"geloescht-{contact.pk}@invalid.example"
    ContactPerson.objects.filter(pk=contact.pk).update(
        name=ERASED_NAME,
        sort_name=sort_key(ERASED_NAME),
        role="",
        email=placeholder,
        phone="",
        user=None,
        receives_invitations=False,
        is_editor=False,
        visibility=ContactPerson.Visibility.STAFF,
        consent_given_at=None,
        consent_method="",
        consent_recorded_by=None,
        address_failed_at=None,
        address_error="",
        updated_at=timezone.now(),  # cached searches that found the name are renewed
    )
    EntryCheck.objects.filter(contact=contact).delete()  # the yearly check's mails and links
    Recipient.objects.filter(contact=contact).delete()  # mailings received, with their links
    contact.topics.clear()
    history.delete()  # the topics rows cascade
    scrub_admin_log(
        names=names,
        emails=emails,
        objects=[(ContactPerson, [contact.pk]), (Invitation, invitation_ids)],
    )
    if user is not None:
        for label, lookup, whose in PERSON_DATA:
            if whose == "user" and lookup == "history_user":
                apps.get_model(label).objects.filter(history_user=user).update(history_user=None)
        for model in (ContactPerson, history_of_contacts().model):
            model.objects.filter(consent_recorded_by=user).update(consent_recorded_by=None)
        user.delete()  # e-mail addresses, second factors and its admin log go with it
    transaction.on_commit(drop_renderings)
    contact.refresh_from_db()


def deleted_contacts(email: str) -> list:
    """What is left of contact entries with this address that editors deleted: their change
    history (kept for the retention period), one line per entry, the latest version."""
    records = (
        history_of_contacts()
        .filter(email__iexact=email.strip())
        .exclude(id__in=ContactPerson.objects.values("pk"))
        .select_related("organisation")
        .order_by("id", "-history_date")
    )
    latest = {}
    for record in records:
        latest.setdefault(record.id, record)
    return list(latest.values())


@transaction.atomic
def erase_deleted_contacts(email: str) -> int:
    """Erase (Art. 17) what is held under this address outside the directory: the change
    history of deleted contact entries, their mentions in the admin's log, proposed substitutes
    and requests to take part; the address goes on the suppression list. Returns how many
    deleted entries and requests were concerned."""
    ids = [record.id for record in deleted_contacts(email)]
    history = history_of_contacts().filter(id__in=ids)
    names = set(history.values_list("name", flat=True))
    emails = {email.strip(), *history.values_list("email", flat=True)}
    requests = ParticipationRequest.objects.filter(email_is_any(emails))
    names.update(requests.values_list("name", flat=True))
    concerned = len(ids) + requests.count()
    if not concerned:
        return 0
    for address in emails:
        SuppressedAddress.add(address)
    SubstituteProposal.objects.filter(email_is_any(emails)).delete()
    requests.delete()
    history.delete()
    scrub_admin_log(names=names, emails=emails, objects=[(ContactPerson, ids)])
    transaction.on_commit(drop_renderings)
    return concerned


def email_is_any(emails) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(email__iexact=email)
    return condition


def scrub_admin_log(*, names, emails, objects) -> None:
    """The admin's log names the objects it changed, and an organisation's entries name the
    contact persons changed on its page: every entry about the person or naming them loses
    the name and the address."""
    erased = _("erased person")
    for model, ids in objects:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        ).update(object_repr=erased, change_message="")
    # The log keeps change messages as JSON, where "ö" is written "\u00f6".
    # (Shorter than three letters, a name would match inside other words.)
    values = [value for value in [*names, *emails] if value and len(value) >= 3]
    traces = {text for value in values for text in (value, json_text(value))}
    if not traces:
        return
    pattern = re.compile("|".join(map(re.escape, sorted(traces, key=len, reverse=True))), re.I)
    mentions = Q(pk__in=[])
    for trace in traces:
        mentions |= Q(object_repr__icontains=trace) | Q(change_message__icontains=trace)
    in_json = json_text(erased)
    for entry in LogEntry.objects.filter(mentions):
        entry.object_repr = pattern.sub(lambda _match: str(erased), entry.object_repr)
        entry.change_message = pattern.sub(lambda _match: in_json, entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])


def json_text(value: str) -> str:
    """`value` as it stands inside a JSON string."""
    return json.dumps(str(value))[1:-1]
