"""The rights of a person under the DSGVO: access to all data held (Art. 15) and erasure
(Art. 17), over every place the registry (privacy/registry.py) names."""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Invitation, Notice
from organisations.models import ContactPerson, SuppressedAddress
from privacy.registry import PERSON_DATA, SECRET_FIELDS, TITLES, person_rows


def export(contact: ContactPerson) -> dict:
    """All data held about the person, as JSON-ready data: {model label: [rows]}."""
    data = {}
    for key, queryset in person_rows(contact):
        hidden = SECRET_FIELDS.get(queryset.model._meta.label_lower, set())
        fields = [f.attname for f in queryset.model._meta.concrete_fields if f.name not in hidden]
        data[key] = list(queryset.values(*fields))
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
        sections.append(
            {
                "label": key,
                "title": TITLES.get(key, model._meta.verbose_name_plural),
                "rows": [
                    [
                        (
                            fields[name].verbose_name if name in fields else name,
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


@transaction.atomic
def erase(contact: ContactPerson) -> None:
    """Anonymise the person everywhere; keep a hash of the address so objections still hold.

    Aggregate attendance figures stay: the meeting keeps its counts, the invitation rows stay
    with their answers, but nothing in them points to who the person was.
    """
    HistoricalContactPerson = apps.get_model("organisations", "historicalcontactperson")
    SuppressedAddress.add(contact.email)
    user = contact.user
    invitations = Invitation.objects.filter(contact=contact)
    Notice.objects.filter(invitation__in=invitations).update(delivery_error="")
    invitations.update(note="", delivery_error="", revoked_at=None)
    relinked = list(invitations)
    for invitation in relinked:
        invitation.new_link()  # old links stop working
    Invitation.objects.bulk_update(relinked, ["nonce", "token_hash"])
    placeholder = f"geloescht-{contact.pk}@invalid.example"
    ContactPerson.objects.filter(pk=contact.pk).update(
        name=ERASED_NAME,
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
        updated_at=timezone.now(),  # cached searches that found the name are renewed
    )
    contact.topics.clear()
    HistoricalContactPerson.objects.filter(id=contact.pk).delete()  # the topics rows cascade
    scrub_admin_log(contact, invitations)
    if user is not None:
        for label, lookup, whose in PERSON_DATA:
            if whose == "user" and lookup == "history_user":
                apps.get_model(label).objects.filter(history_user=user).update(history_user=None)
        for model in (ContactPerson, HistoricalContactPerson):
            model.objects.filter(consent_recorded_by=user).update(consent_recorded_by=None)
        user.delete()  # e-mail addresses, second factors and its admin log go with it
    contact.refresh_from_db()


def scrub_admin_log(contact: ContactPerson, invitations) -> None:
    """The admin's log names the objects it changed: those entries lose the name."""
    for model, ids in [
        (ContactPerson, [contact.pk]),
        (Invitation, list(invitations.values_list("pk", flat=True))),
    ]:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        ).update(object_repr=_("erased person"), change_message="")
