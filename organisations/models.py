from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.staff import has_staff_rights

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()/\-]{4,28}[0-9]$",
    _("Enter a phone number with digits only, for example +49 711 123456."),
)


def plain_name(value: str) -> None:
    """A person's name as people write it: letters, spaces, hyphens, apostrophes and dots; no
    digits, links, addresses or markup (a name goes into the greeting of official mail)."""
    if not PLAIN_NAME.fullmatch(value.strip()):
        raise ValidationError(
            _("Please enter the name only: letters, spaces, hyphens and apostrophes."),
            code="plain_name",
        )


# Words of letters, joined by spaces, hyphens or apostrophes, or by a dot and a space ("Dr. ");
# a dot between letters ("evil.example") would make a link in many mail programs.
PLAIN_NAME = re.compile(r"[^\W\d_]+(?:(?:[ '’\-]+|\. +)[^\W\d_]+)*\.?")

WEBSITE_MESSAGE = _("Enter a web address that starts with https:// or http://.")
OBJECTION_HOLDS = _(
    "This person has objected to further invitations (or their data was erased). Only they "
    "can lift that, from a link in an invitation mail."
)
CONSENT_METHOD_MISSING = _("Please say how the person agreed to be shown on the public pages.")


class SortedByName(models.Model):
    """Listed in German alphabetical order ("Böblingen" before "Breisgau"), on every database."""

    sort_name = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_name = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class Topic(SortedByName):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Region(SortedByName):
    class Kind(models.TextChoices):
        STATEWIDE = "statewide", _("statewide")
        URBAN = "urban", _("urban district")
        RURAL = "rural", _("rural district")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = [
            models.Case(models.When(kind="statewide", then=0), default=1),
            "sort_name",
            "name",
        ]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


def sort_key(text: str) -> str:
    """Alphabetical order as in a German dictionary: "Ärzte" sorts with "Arzte", not after "Z"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def contact_of(user) -> ContactPerson | None:
    """The contact entry linked to this user account, if any (cached on the user)."""
    if not user.is_authenticated:
        return None
    try:
        return user.contact_person
    except ContactPerson.DoesNotExist:
        return None


def is_member(user) -> bool:
    """Staff (with their second factor) and users linked to a contact person see the members'
    part of the directory."""
    if not user.is_authenticated or not user.is_active:
        return False
    return has_staff_rights(user) or contact_of(user) is not None


# A search is bounded: each word is a condition over several columns and subqueries, so a
# thousand words would make a statement too large for SQLite and seconds of work for PostgreSQL.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_LENGTH = 200
# A person's name has at most this many words ("Maria del Carmen Sánchez"); a longer search
# is not ranked by whole names.
NAME_MAX_WORDS = 4


def search_words(text: str) -> list[str]:
    """The words a search looks for, within the bounds (the form says so before it comes here)."""
    return text[:SEARCH_MAX_LENGTH].split()[:SEARCH_MAX_WORDS]


def search_condition(words: list[str], *, contacts=None) -> Q:
    """Every word must appear (case-insensitively) in some searchable field; with `contacts`
    (the contact persons the searching user may see), in one of their names too."""
    condition = Q()
    for word in words:
        word = word.lower()
        matches = (
            Q(name_lc__contains=word)
            | Q(short_name_lc__contains=word)
            | Q(description_lc__contains=word)
            | Q(city_lc__contains=word)
            | Exists(
                Topic.objects.alias(name_lc=Lower("name")).filter(
                    organisations=OuterRef("pk"), name_lc__contains=word
                )
            )
        )
        if contacts is not None:
            matches |= Exists(
                contacts.alias(name_lc=Lower("name")).filter(
                    organisation=OuterRef("pk"), name_lc__contains=word
                )
            )
        condition &= matches
    return condition


def all_words(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word.lower()})
    return condition


def any_word(field: str, words: list[str]) -> Q:
    condition = Q(pk__in=[])
    for word in words:
        condition |= Q(**{f"{field}__contains": word.lower()})
    return condition


def audience(user, *, contacts: bool = False) -> str:
    """Who looks, as far as a cached rendering is concerned. With `contacts`, for a rendering
    that depends on which contact persons the user may see: staff see all, a member their own
    organisation's beside those shown to members."""
    if not is_member(user):
        return "visitor"
    if not contacts:
        return "member"
    if has_staff_rights(user):
        return "staff"
    return f"member-{contact_of(user).organisation_id}"


def invited_contacts() -> models.QuerySet:
    return ContactPerson.objects.filter(organisation=OuterRef("pk"), receives_invitations=True)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganisationQuerySet:
        if is_member(user):
            return self.all()
        return self.filter(listed_publicly=True)

    def search(self, text: str, *, user) -> OrganisationQuerySet:
        """Organisations matching every word; members also find them by the names of the
        contact persons they may see (never by those kept from them: no existence oracle)."""
        words = search_words(text)
        if not words:
            return self
        contacts = ContactPerson.objects.visible_to(user) if is_member(user) else None
        found = self.alias(
            name_lc=Lower("name"),
            short_name_lc=Lower("short_name"),
            description_lc=Lower("description"),
            city_lc=Lower("city"),
        ).filter(search_condition(words, contacts=contacts))
        if contacts is not None:
            # Who matched, shown under the organisation: whole names first.
            named = contacts.alias(name_lc=Lower("name"))
            matching = (
                named.filter(any_word("name_lc", words))
                .annotate(whole=Case(When(all_words("name_lc", words), then=0), default=1))
                .order_by("whole", "sort_name", "pk")
            )
            found = found.prefetch_related(
                Prefetch("contacts", queryset=matching, to_attr="matching_contacts")
            )
        if len(words) > NAME_MAX_WORDS:
            return found  # no one's name: alphabetical, and the database stops at the page
        # Whole matches first: every word in the organisation's name, or in the name of one
        # person (so "Amina Rahimi" finds her before an Amina and a Rahimi in one place).
        whole = all_words("name_lc", words)
        if contacts is not None:
            whole |= Exists(named.filter(all_words("name_lc", words), organisation=OuterRef("pk")))
        return found.annotate(
            search_rank=Case(When(whole, then=0), default=1, output_field=models.IntegerField())
        ).order_by("search_rank", "sort_name", "name")

    def in_region(self, region: Region) -> OrganisationQuerySet:
        """Organisations working in `region`; those working statewide work in every region."""
        working = Organisation.regions.through.objects.filter(organisation=OuterRef("pk"))
        return self.filter(
            Exists(working.filter(Q(region=region) | Q(region__kind=Region.Kind.STATEWIDE)))
        )

    def for_list(self) -> OrganisationQuerySet:
        return self.prefetch_related("topics", "regions")

    def unconfirmed(self) -> OrganisationQuerySet:
        """Entries confirmed (or, never confirmed, entered) longer than the interval ago."""
        cutoff = timezone.now() - check_interval()
        return self.filter(
            Q(confirmed_at__lt=cutoff) | Q(confirmed_at__isnull=True, created_at__lt=cutoff)
        )

    def without_invited_contact(self) -> OrganisationQuerySet:
        """Organisations nobody of which receives the invitations."""
        invited = ContactPerson.objects.filter(
            organisation=OuterRef("pk"), receives_invitations=True
        )
        return self.exclude(Exists(invited))

    def upkeep_counts(self) -> dict[str, int]:
        """How many entries are unconfirmed and how many reach nobody (one query)."""
        cutoff = timezone.now() - check_interval()
        return self.aggregate(
            unconfirmed=models.Count(
                "pk",
                filter=Q(confirmed_at__lt=cutoff)
                | Q(confirmed_at__isnull=True, created_at__lt=cutoff),
            ),
            uninvited=models.Count("pk", filter=~Exists(invited_contacts())),
        )


class Organisation(SortedByName):
    class Kind(models.TextChoices):
        WELFARE = "welfare", _("welfare association")
        PSYCHOSOCIAL = "psychosocial", _("psychosocial service")
        UNION = "union", _("trade union")
        YOUTH = "youth", _("youth organisation")
        SELF_ORGANISATION = "self_organisation", _("self-organisation")
        COUNSELLING = "counselling", _("counselling centre")
        INITIATIVE = "initiative", _("initiative")
        CHURCH = "church", _("church or religious body")
        EDUCATION = "education", _("education provider")
        STATE_AGENCY = "state_agency", _("state agency")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="organisations", blank=True
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions"), related_name="organisations", blank=True
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Enter a postcode with five digits."))],
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(
        _("website"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"], message=WEBSITE_MESSAGE)],
        error_messages={"invalid": WEBSITE_MESSAGE},
    )
    email = models.EmailField(_("general e-mail address"), blank=True)
    phone = models.CharField(
        _("general phone number"), max_length=40, blank=True, validators=[phone_validator]
    )
    languages = models.CharField(
        _("languages offered"),
        max_length=300,
        blank=True,
        help_text=_("Separate languages with commas, for example “Arabic, Dari, English”."),
    )
    in_core_circle = models.BooleanField(_("belongs to the core circle"), default=False)
    # When someone of the organisation last said the entry is current (the yearly check).
    confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True, editable=False)
    listed_publicly = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("The organisation agrees to appear on public pages."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[topics, regions])

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["sort_name", "name"]),
            models.Index(fields=["listed_publicly", "sort_name", "name"]),
            # The state of the lists' cached renderings (common.caching) is counted along it.
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.slug])

    @property
    def language_list(self) -> list[str]:
        return [item.strip() for item in self.languages.split(",") if item.strip()]


class ContactPersonQuerySet(models.QuerySet):
    def with_address(self, email: str) -> ContactPersonQuerySet:
        """Every entry with this address, however written: one person may be entered at two
        organisations, and what they choose for their address holds for each entry."""
        return self.filter(email__iexact=email.strip())

    def search(self, text: str) -> ContactPersonQuerySet:
        """Persons matching every word in their name, role or organisation's name (bounded as
        the organisations' search)."""
        condition = Q()
        for word in search_words(text):
            word = word.lower()
            condition &= (
                Q(name_lc__contains=word)
                | Q(role_lc__contains=word)
                | Q(organisation_lc__contains=word)
            )
        return self.alias(
            name_lc=Lower("name"),
            role_lc=Lower("role"),
            organisation_lc=Lower("organisation__name"),
        ).filter(condition)

    def working_on(self, topic: Topic) -> ContactPersonQuerySet:
        """Persons whose own topic it is, or whose organisation works on it."""
        return self.filter(
            Exists(
                ContactPerson.topics.through.objects.filter(
                    contactperson=OuterRef("pk"), topic=topic
                )
            )
            | Exists(
                Organisation.topics.through.objects.filter(
                    organisation=OuterRef("organisation"), topic=topic
                )
            )
        )

    def for_list(self) -> ContactPersonQuerySet:
        return (
            self.select_related("organisation")
            .prefetch_related("topics")
            .order_by("sort_name", "organisation__sort_name", "pk")
        )

    def visible_to(self, user) -> ContactPersonQuerySet:
        """Visitors see those who agreed to be shown publicly; members see contacts shown to
        members, plus all of their own organisation."""
        Visibility = ContactPerson.Visibility
        if not is_member(user):
            return self.filter(visibility=Visibility.PUBLIC, organisation__listed_publicly=True)
        if has_staff_rights(user):
            return self.all()
        own = contact_of(user)
        return self.filter(
            Q(visibility__in=[Visibility.MEMBERS, Visibility.PUBLIC])
            | Q(organisation_id=own.organisation_id)
        )


class ContactPerson(SortedByName):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("everyone, on the public pages too (with the person's consent)")
        MEMBERS = "members", _("members of the network")
        STAFF = "staff", _("staff and own organisation only")

    class ConsentMethod(models.TextChoices):
        SELF = "self", _("entered by the person")
        WRITTEN = "written", _("in writing or by e-mail")
        VERBAL = "verbal", _("verbally")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        related_name="contacts",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(
        _("phone number"), max_length=40, blank=True, validators=[phone_validator]
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics of expertise"), related_name="contacts", blank=True
    )
    receives_invitations = models.BooleanField(_("receives invitations"), default=True)
    is_editor = models.BooleanField(
        _("editor of the organisation"),
        default=False,
        help_text=_("May edit the organisation's profile and contact persons."),
    )
    visibility = models.CharField(
        _("who may see the contact details"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        related_name="contact_person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_method = models.CharField(
        _("consent given"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Who recorded the consent to public display, or its withdrawal."),
    )
    account_invited_at = models.DateTimeField(
        _("invited to an account at"), null=True, blank=True, editable=False
    )
    # "Keine Rundmails mehr": the person's own choice from a mailing's link, separate from the
    # objection to invitations; only they undo it (from the same link).
    mailings_declined_at = models.DateTimeField(
        _("declined mailings at"), null=True, blank=True, editable=False
    )
    # A mail to the address was refused for good ("Adresse prüfen"); cleared when it changes.
    address_failed_at = models.DateTimeField(
        _("address refused at"), null=True, blank=True, editable=False
    )
    address_error = models.CharField(
        _("why the address was refused"), max_length=500, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactPersonQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[topics], excluded_fields=["user"])

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                name="unique_contact_email_per_organisation",
                violation_error_message=_(
                    "A contact person with this e-mail address already exists in this organisation."
                ),
            )
        ]
        # The state of a member's search and an organisation page (common.caching).
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def save(self, *args, **kwargs):
        # Someone who objected or was erased is never invited again: not when re-entered, not
        # when an editor or the admin ticks the box again, on every path that saves the entry.
        if self.receives_invitations and not self.may_receive_invitations():
            self.receives_invitations = False
        if self.address_failed_at and self.email != getattr(self, "_stored_email", self.email):
            self.address_failed_at, self.address_error = None, ""  # a new address: try it
        if self.visibility == self.Visibility.PUBLIC and self.consent_given_at is None:
            # Every path that shows a person publicly (forms, admin, imports) records consent.
            raise ValueError("Public display without recorded consent: call record_consent().")
        super().save(*args, **kwargs)
        self._stored_visibility, self._stored_email = self.visibility, self.email

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        contact = super().from_db(db, field_names, values, **kwargs)
        contact._stored_visibility = contact.__dict__.get("visibility")
        contact._stored_email = contact.__dict__.get("email")
        return contact

    def clean(self):
        super().clean()
        if self.receives_invitations and not self.may_receive_invitations():
            raise ValidationError({"receives_invitations": OBJECTION_HOLDS})

    def may_receive_invitations(self) -> bool:
        """No for an address on the suppression list: the person objected or was erased, and
        only they can lift that (from the answer page of an invitation mailed to them)."""
        return not SuppressedAddress.contains(self.email)

    def record_consent(self, *, by, method: str = "") -> None:
        """Record consent to public display, or its withdrawal: when, how and by whom.

        Called before saving whenever `visibility` may have changed, by the edit form, the
        admin and any import. A person making their own entry public gives consent themself;
        for anyone else, `method` says how the person agreed (ValidationError without it).
        """
        public = self.visibility == self.Visibility.PUBLIC
        was_public = getattr(self, "_stored_visibility", None) == self.Visibility.PUBLIC
        if public == was_public:
            return
        if public:
            own_entry = by is not None and self.user_id is not None and self.user_id == by.pk
            method = self.ConsentMethod.SELF if own_entry else method
            if method not in self.ConsentMethod.values:
                raise ValidationError({"consent_method": CONSENT_METHOD_MISSING})
            self.consent_given_at, self.consent_method = timezone.now(), method
        else:
            self.consent_given_at, self.consent_method = None, ""
        self.consent_recorded_by = by

    def get_edit_url(self) -> str:
        return reverse("organisations:contact_edit", args=[self.organisation.slug, self.pk])

    @property
    def account_link_valid_until(self):
        """Until when the link of the last account invitation sets a password."""
        if self.account_invited_at is None:
            return None
        return self.account_invited_at + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)

    @property
    def account_state(self) -> str:
        """ "active" (has logged in), "invited" (link still valid), "expired", "new" (entered
        lately, not invited yet) or "none"."""
        if self.user_id is not None and self.user.last_login is not None:
            return "active"
        if self.account_invited_at is None:
            return "new" if self.created_at >= new_since() else "none"
        return "invited" if self.account_link_valid_until > timezone.now() else "expired"


# A contact entry this recent, without an account, is shown to the office as new.
NEW_CONTACT_DAYS = 30


def new_since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=NEW_CONTACT_DAYS)


def address_hash(email: str) -> str:
    """What the suppression list keeps of an address: a hash, not the address."""
    return hashlib.sha256(f"netzwerk-suppression:{email.strip().lower()}".encode()).hexdigest()


class SuppressedAddress(models.Model):
    """An address that must never be invited again: the person objected or was erased.

    Only the hash is kept, so an erased person's address is not readable here, yet an editor
    entering it again later cannot send them invitations.
    """

    email_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.email_hash[:12]

    @classmethod
    def add(cls, email: str) -> None:
        """Suppress the address, and with it every entry that has it: one person may be
        entered at two organisations, and neither entry may be written to any more."""
        cls.objects.get_or_create(email_hash=address_hash(email))
        for contact in ContactPerson.objects.with_address(email).filter(receives_invitations=True):
            contact.receives_invitations = False
            contact.save(update_fields=["receives_invitations", "updated_at"])  # with history

    @classmethod
    def contains(cls, email: str) -> bool:
        return cls.objects.filter(email_hash=address_hash(email)).exists()

    @classmethod
    def remove(cls, email: str) -> None:
        """Only for the person themself lifting their objection (a link sent to the address)."""
        cls.objects.filter(email_hash=address_hash(email)).delete()


def refused_for_good(error: Exception) -> bool:
    """The mail server refused the address itself with a permanent (5xx) answer; a 4xx answer
    (greylisting, a full mailbox) is worth another try."""
    answers = getattr(error, "recipients", None) or {}
    return bool(answers) and all(code >= 500 for code, _reply in answers.values())


def note_address_refused(contacts: models.QuerySet | list, error: Exception) -> None:
    """The mail server refused the address for good: the office and the organisation's editors
    see "Adresse prüfen" until it is changed (ContactPerson.save)."""
    answers = getattr(error, "recipients", {}).values()  # SMTPRecipientsRefused: (code, text)
    text = "; ".join(f"{code} {reply.decode(errors='replace')}" for code, reply in answers)
    now = timezone.now()  # updated_at: what shows the entry (or counts it) is renewed
    ContactPerson.objects.filter(pk__in=contacts).update(
        address_failed_at=now, address_error=(text or str(error))[:500], updated_at=now
    )


def check_interval() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ENTRY_CHECK_INTERVAL_DAYS)


CHECK_SALT = "netzwerk.entry-check"


class EntryCheckQuerySet(models.QuerySet):
    def recent(self) -> EntryCheckQuerySet:
        return self.filter(created_at__gte=timezone.now() - check_interval())


class EntryCheck(models.Model):
    """One mail asking a person of an organisation whether its entry is still current ("Ist Ihr
    Eintrag noch aktuell?"), with a signed personal link valid for ENTRY_CHECK_LINK_DAYS. The
    worker sends it once (organisations.tasks); the link works while the person is in the
    organisation."""

    class Delivery(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        related_name="checks",
        on_delete=models.CASCADE,
    )
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        related_name="entry_checks",
        on_delete=models.CASCADE,
    )
    reminder = models.BooleanField(_("sent by the office"), default=False)
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.QUEUED
    )
    delivery_error = models.CharField(_("delivery error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = EntryCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry check")
        verbose_name_plural = _("entry checks")
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.created_at:%Y-%m-%d})"

    @property
    def token(self) -> str:
        """The personal link's token: the check's number, signed with the time it is made (the
        mail's sending), so that it expires ENTRY_CHECK_LINK_DAYS later and cannot be forged."""
        return signing.TimestampSigner(salt=CHECK_SALT).sign(str(self.pk))

    @classmethod
    def by_token(cls, token: str) -> EntryCheck | None:
        """The check of a genuine link whose person is still with the organisation, else None;
        signing.SignatureExpired for a genuine link older than ENTRY_CHECK_LINK_DAYS."""
        signer = signing.TimestampSigner(salt=CHECK_SALT)
        max_age = datetime.timedelta(days=settings.ENTRY_CHECK_LINK_DAYS)
        try:
            pk = signer.unsign(token, max_age=max_age)
        except signing.SignatureExpired:
            raise
        except signing.BadSignature:
            return None
        return (
            cls.objects.select_related("organisation", "contact")
            .filter(pk=int(pk), contact__organisation_id=F("organisation_id"))
            .first()
        )


class DirectoryImport(models.Model):
    """An address list the office uploaded, kept between the upload and the confirmation; the
    file itself is dropped once it is imported (and by `retention` if it never is). The column
    mapping stays, for the next import with the same headers."""

    file_name = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("file"), blank=True)
    header = models.JSONField(_("header"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)  # column number → field
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    counts = models.JSONField(_("result"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def rows_written(self) -> int:
        return self.counts.get("rows new", 0) + self.counts.get("rows update", 0)
