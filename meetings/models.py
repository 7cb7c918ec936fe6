from __future__ import annotations

import calendar
import datetime
import functools
import hashlib
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import connection, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from organisations.models import Topic, is_member, plain_name

# Changing any of these changes the meeting in people's calendars: SEQUENCE goes up.
CALENDAR_FIELDS = ["starts_at", "ends_at", "venue_name", "venue_address", "status"]


# A figure about fewer people than this is not shown: it could single them out.
PUBLIC_MINIMUM = 3


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        if is_member(user):
            return self.all()
        return self.filter(is_public=True)

    def upcoming(self) -> MeetingQuerySet:
        return self.filter(until__gte=timezone.now()).exclude(status=Meeting.Status.HELD)

    def past(self) -> MeetingQuerySet:
        return self.filter(Q(until__lt=timezone.now()) | Q(status=Meeting.Status.HELD))

    def for_list(self) -> MeetingQuerySet:
        return self.select_related("theme")

    def for_office(self) -> MeetingQuerySet:
        """With the round's figures the office's home needs, in the same query."""
        noted = Q(invitations__delivery="draft")
        pending = (
            ParticipationRequest.objects.filter(meeting=OuterRef("pk"), declined_at__isnull=True)
            .order_by()
            .values("meeting")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.for_list()
            .select_related("poll")
            .annotate(
                noted=Count("invitations", filter=noted),
                invited=Count("invitations", filter=~noted),
                unanswered=Count("invitations", filter=~noted & Q(invitations__answer="open")),
                requests=Coalesce(Subquery(pending), 0),
            )
        )


class Meeting(models.Model):
    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("announced")
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")
        HELD = "held", _("held")

    class MinutesVisibility(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "members", _("members of the network only")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    theme = models.ForeignKey(
        Topic, verbose_name=_("theme"), related_name="meetings", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ANNOUNCED
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Internal meetings are shown to members only.")
    )
    period_year = models.PositiveSmallIntegerField(
        _("year of the period"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    period_quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        choices=[
            (1, _("1st quarter")),
            (2, _("2nd quarter")),
            (3, _("3rd quarter")),
            (4, _("4th quarter")),
        ],
    )
    period_month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    starts_at = models.DateTimeField(_("start"), null=True, blank=True)
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    # Derived in save(): the first and last moment the meeting may take place, for ordering
    # and for telling upcoming from past meetings in the database.
    sort_at = models.DateTimeField(editable=False, db_index=True)
    until = models.DateTimeField(editable=False, db_index=True)

    description = models.TextField(_("description"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address of the venue"), max_length=300, blank=True)
    online_link = models.URLField(
        _("online link"),
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("Shown only to members and invitees."),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    interpretation = models.CharField(
        _("interpretation"),
        max_length=200,
        blank=True,
        help_text=_("For example “German sign language, Arabic on request”."),
    )
    childcare = models.BooleanField(_("childcare"), default=False)
    accessibility_notes = models.TextField(_("further accessibility information"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    answer_deadline = models.DateTimeField(_("answer deadline"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for the cancellation"), blank=True)
    invitation_text = models.TextField(
        _("invitation text"),
        blank=True,
        help_text=_(
            "The words between the greeting and the meeting's details. "
            "Left empty, the standard text is used."
        ),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_visibility = models.CharField(
        _("minutes visible to"),
        max_length=20,
        choices=MinutesVisibility.choices,
        default=MinutesVisibility.MEMBERS,
    )
    participants_count = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, help_text=_("Recorded after the meeting.")
    )
    organisations_count = models.PositiveIntegerField(
        _("organisations present"), null=True, blank=True
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_at", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(period_year__isnull=False)
                | (Q(period_quarter__isnull=True) & Q(period_month__isnull=True)),
                name="meeting_period_has_year",
                violation_error_message=_("A quarter or a month needs a year."),
            ),
            models.CheckConstraint(
                condition=Q(period_quarter__isnull=True) | Q(period_month__isnull=True),
                name="meeting_period_quarter_or_month",
                violation_error_message=_("Give either a quarter or a month, not both."),
            ),
            models.CheckConstraint(
                condition=Q(period_year__isnull=False)
                | (Q(starts_at__isnull=False) & Q(ends_at__isnull=False)),
                name="meeting_has_date_or_period",
                violation_error_message=_(
                    "Give a start and an end, or at least the year of the period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.sort_at, self.until = self.time_span()
        if self.pk is not None:
            old = type(self).objects.filter(pk=self.pk).values(*CALENDAR_FIELDS).first()
            if old and any(old[field] != getattr(self, field) for field in CALENDAR_FIELDS):
                self.sequence += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.status in (self.Status.SCHEDULED, self.Status.HELD):
            if not self.starts_at:
                errors["starts_at"] = _("A scheduled or held meeting needs a start.")
            if not self.ends_at:
                errors["ends_at"] = _("A scheduled or held meeting needs an end.")
        if self.status == self.Status.CANCELLED and not self.cancellation_reason.strip():
            errors["cancellation_reason"] = _("Please give the reason for the cancellation.")
        if (self.period_quarter or self.period_month) and not self.period_year:
            errors["period_year"] = _("A quarter or a month needs a year.")
        if errors:
            raise ValidationError(errors)

    # -- dates -------------------------------------------------------------------------

    def period_bounds(self) -> tuple[datetime.date, datetime.date] | None:
        """First and last day of the announced period, if there is one."""
        if not self.period_year:
            return None
        year = self.period_year
        if self.period_month:
            first_month = last_month = self.period_month
        elif self.period_quarter:
            first_month = 3 * self.period_quarter - 2
            last_month = first_month + 2
        else:
            first_month, last_month = 1, 12
        last_day = calendar.monthrange(year, last_month)[1]
        return datetime.date(year, first_month, 1), datetime.date(year, last_month, last_day)

    def time_span(self) -> tuple[datetime.datetime, datetime.datetime]:
        if self.starts_at and self.ends_at:
            return self.starts_at, self.ends_at
        first, last = self.period_bounds()
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return (
            datetime.datetime.combine(first, datetime.time.min, zone),
            datetime.datetime.combine(last, datetime.time.max, zone),
        )

    def office_tasks(self, now: datetime.datetime) -> tuple[list[str], datetime.datetime | None]:
        """What the office still has to do for the meeting, and by when (for_office()'s
        figures): invite, follow the answers, record attendance, add the minutes."""
        if self.status == self.Status.CANCELLED:
            return [], None
        if self.has_begun or self.until < now:
            tasks = []
            if self.participants_count is None:
                tasks.append(_("record attendance"))
            if not self.minutes.strip():
                tasks.append(_("add the minutes"))
            return tasks, self.until if tasks else None
        deadline = self.answer_deadline or self.starts_at
        # Beside what the round needs: where finding the date stands, requests to take part.
        beside = []
        if not self.has_date and self.status == self.Status.ANNOUNCED:
            beside += self.date_tasks(now)
        if getattr(self, "requests", 0):
            beside.append(
                ngettext(
                    "%(count)d request to take part",
                    "%(count)d requests to take part",
                    self.requests,
                )
                % {"count": self.requests}
            )
        if not self.invited:
            return [_("not invited yet"), *beside], deadline or self.sort_at
        if deadline is not None and deadline <= now and self.unanswered:
            return [
                ngettext(
                    "answer deadline passed, %(count)d without an answer",
                    "answer deadline passed, %(count)d without an answer",
                    self.unanswered,
                )
                % {"count": self.unanswered},
                *beside,
            ], self.starts_at
        if self.unanswered:
            return [
                ngettext(
                    "invited, %(count)d answer open",
                    "invited, %(count)d answers open",
                    self.unanswered,
                )
                % {"count": self.unanswered},
                *beside,
            ], deadline
        return beside, (deadline or self.sort_at) if beside else None

    def date_tasks(self, now: datetime.datetime) -> list[str]:
        """For a meeting announced without a date: where finding the date stands."""
        poll = getattr(self, "poll", None)  # for_office() reads it along
        if poll is None:
            return [_("no date yet: open a date poll")]
        if poll.closed_at is None and poll.deadline <= now:
            return [_("date poll over: fix the date")]
        if poll.closed_at is None:
            return [
                _("date poll running until %(date)s")
                % {"date": date_format(timezone.localtime(poll.deadline), "j. F Y")}
            ]
        return []

    @property
    def open_for_invitations(self) -> bool:
        """Whether inviting more people still makes sense: not cancelled, held or over."""
        closed = self.status in (self.Status.CANCELLED, self.Status.HELD)
        return not closed and self.until >= timezone.now()

    @property
    def open_for_requests(self) -> bool:
        """Whether someone not invited may still ask to take part: until it begins."""
        return self.open_for_invitations and not self.has_begun

    @property
    def has_date(self) -> bool:
        return bool(self.starts_at and self.ends_at)

    @property
    def has_begun(self) -> bool:
        """Attendance can be recorded (and shown) only once the meeting has begun."""
        return self.status == self.Status.HELD or (
            self.starts_at is not None and self.starts_at <= timezone.now()
        )

    @property
    def period_label(self) -> str:
        if self.period_month:
            return date_format(datetime.date(self.period_year, self.period_month, 1), "F Y")
        if self.period_quarter:
            return _("%(quarter)d. quarter %(year)d") % {
                "quarter": self.period_quarter,
                "year": self.period_year,
            }
        return str(self.period_year or "")

    @property
    def planned_label(self) -> str:
        """ "geplant für das 1. Quartal 2027" / "geplant für März 2027"."""
        if self.period_quarter and not self.period_month:
            return _("planned for the %(period)s") % {"period": self.period_label}
        return _("planned for %(period)s") % {"period": self.period_label}

    @property
    def when_label(self) -> str:
        """ "Dienstag, 27. Oktober 2026, 14:00–17:00 Uhr", or the period."""
        if not self.has_date:
            return self.period_label
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        if start.date() == end.date():
            return _("%(day)s, %(start)s–%(end)s") % {
                "day": date_format(start, "l, j. F Y"),
                "start": date_format(start, "H:i"),
                "end": date_format(end, "H:i"),
            }
        return _("%(start)s – %(end)s") % {
            "start": date_format(start, "l, j. F Y, H:i"),
            "end": date_format(end, "l, j. F Y, H:i"),
        }

    def json_ld(self, url: str) -> dict:
        """schema.org Event data for search engines (public details only, never the link)."""
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "description": self.description,
            "startDate": timezone.localtime(self.starts_at).isoformat(),
            "endDate": timezone.localtime(self.ends_at).isoformat(),
            "eventStatus": "https://schema.org/EventCancelled"
            if self.status == self.Status.CANCELLED
            else "https://schema.org/EventScheduled",
            "url": url,
            "organizer": {"@type": "Organization", "name": settings.NETWORK_OPERATOR},
        }
        if self.venue_name or self.venue_address:
            data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
            data["location"] = {
                "@type": "Place",
                "name": self.venue_name or self.venue_address,
                "address": self.venue_address,
            }
        return data

    # -- what a persona may see --------------------------------------------------------

    def minutes_visible_to(self, user) -> bool:
        if not self.minutes:
            return False
        return self.minutes_visibility == self.MinutesVisibility.PUBLIC or is_member(user)

    @property
    def attendance_figures(self) -> str:
        """ "24 Personen aus 21 Organisationen", as recorded after the meeting began (the one
        source: record_attendance; figures of a meeting still to come are not shown)."""
        if self.participants_count is None or not self.has_begun:
            return ""
        persons = ngettext("%(count)d person", "%(count)d people", self.participants_count) % {
            "count": self.participants_count
        }
        if self.organisations_count is None:
            return persons
        organisations = ngettext(
            "%(count)d organisation", "%(count)d organisations", self.organisations_count
        ) % {"count": self.organisations_count}
        return _("%(persons)s from %(organisations)s") % {
            "persons": persons,
            "organisations": organisations,
        }

    @property
    def attendance_label(self) -> str:
        """attendance_figures as the archive, the meeting's page and the network's figures show
        them to everyone: a figure about one or two people could single them out (the office
        sees who came on the attendance page)."""
        few = self.participants_count is not None and self.participants_count < PUBLIC_MINIMUM
        if few and self.has_begun:
            return _("fewer than %(minimum)s people") % {"minimum": PUBLIC_MINIMUM}
        return self.attendance_figures


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def personal_token(nonce: str, purpose: str = "invitation") -> str:
    """The token in a personal link: a keyed hash of the invitation's (or poll's) random nonce.

    The nonce has 128 bits from `secrets`; without SECRET_KEY it gives no working link, so a
    database dump holds none. The same token can be mailed again (reminders, change notices).
    """
    return salted_hmac(f"netzwerk.{purpose}", nonce, algorithm="sha256").hexdigest()


class InvitationQuerySet(models.QuerySet):
    def by_token(self, token: str) -> InvitationQuerySet:
        """The invitation a link is for, unless revoked or long past (all give the same 404)."""
        return self.filter(
            token_hash=token_hash(token),
            revoked_at__isnull=True,
            meeting__until__gte=timezone.now() - INVITATION_LINK_GRACE,
        )


# A personal link keeps working this long after the meeting, then it expires.
INVITATION_LINK_GRACE = datetime.timedelta(days=30)


class MailState(models.Model):
    """Where one outgoing mail stands; the worker moves it from queued to sent or failed."""

    class Delivery(models.TextChoices):
        DRAFT = "draft", _("noted")
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.DRAFT
    )
    delivery_error = models.CharField(_("delivery error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Sent again after the worker sending it died: the first try may have reached the server
    # too (both with the same Message-ID).
    possibly_duplicate = models.BooleanField(_("possibly sent twice"), default=False)

    # From the record to the one its person's state (link revoked, objection) is read on, when
    # the worker sends: "" for the record itself, None where no such state applies.
    person_path: str | None = None
    # Fields (from the record) whose value, when set, withholds the mail: a person's choice
    # to receive no mail of this kind.
    withheld_if_set: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @property
    def inviting(self) -> bool:
        """An invitation or a reminder: never to someone who objected to invitations."""
        return False

    def contact_ids(self) -> models.QuerySet:
        """The contact entry the mail went to (a query, for note_address_refused)."""
        path = f"{self.person_path}contact"
        return type(self).objects.filter(pk=self.pk).values(path).order_by()

    @property
    def delivery_problem(self) -> str:
        """What went wrong, in the office's words (the mail server's answer is in
        `delivery_error`)."""
        error = self.delivery_error
        if not error:
            return ""
        if error.startswith("SMTPRecipientsRefused"):
            return _("The mail server refused the address: please check it.")
        if error.startswith(("SMTP", "Connection", "TimeoutError", "OSError")):
            if self.delivery == self.Delivery.QUEUED:
                return _("The mail server could not be reached; it is tried again shortly.")
            return _("The mail server could not be reached; the next “send” tries again.")
        return error  # our own words (withheld: objection, erasure, declined)

    def mark_sent(self, *also: str) -> None:
        """Store that the mail went out (the sending task holds the row lock)."""
        self.delivery = self.Delivery.SENT
        self.sent_at = timezone.now()
        self.delivery_error = ""
        self.store("attempts", "delivery", "sent_at", "delivery_error", *also)

    def store(self, *fields: str) -> None:
        """save(update_fields=fields) as one UPDATE built once per model and fields: the worker
        stores a state for every mail, and save() compiling the same statement each time cost
        more than running it (docs/performance.md). No signals: no mail record has any."""
        values = [
            field.get_db_prep_save(getattr(self, field.attname), connection)
            for field in map(self._meta.get_field, fields)
        ]
        statement = store_statement(type(self), fields, connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(statement, [*values, self.pk])


@functools.cache
def store_statement(model: type[MailState], fields: tuple[str, ...], vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in fields)
    # Quoted names of the model's own table and columns; the values go as parameters.
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {columns} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )


class PersonalLink:
    """A record reached by a personal link (an invitation, a poll's participant): a random
    nonce, of which only the keyed token's hash is looked up (`nonce` and `token_hash`
    fields on the model)."""

    link_purpose, answer_view = "invitation", "invitation_answer"

    def save(self, *args, **kwargs):
        if not self.nonce:
            self.new_link()
        super().save(*args, **kwargs)

    def new_link(self) -> None:
        """A fresh personal link (also how a link is revoked)."""
        self.nonce = secrets.token_hex(16)
        self.token_hash = token_hash(personal_token(self.nonce, self.link_purpose))

    @property
    def token(self) -> str:
        return personal_token(self.nonce, self.link_purpose)

    def get_answer_url(self) -> str:
        return reverse(self.answer_view, args=[self.token])


class Invitation(PersonalLink, MailState):
    class Reason(models.TextChoices):
        CORE_CIRCLE = "core_circle", _("core circle")
        THEME = "theme", _("works on the theme")
        STAFF = "staff", _("added by the office")
        SUBSTITUTE = "substitute", _("substitute")

    class Answer(models.TextChoices):
        OPEN = "open", _("open")
        YES = "yes", _("yes")
        NO = "no", _("no")
        MAYBE = "maybe", _("maybe")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), related_name="invitations", on_delete=models.CASCADE
    )
    contact = models.ForeignKey(
        "organisations.ContactPerson",
        verbose_name=_("contact person"),
        related_name="invitations",
        on_delete=models.CASCADE,
    )
    reason = models.CharField(_("invited because"), max_length=20, choices=Reason.choices)
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("stands in for"),
        related_name="substitutes",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    nonce = models.CharField(max_length=32, unique=True, null=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    revoked_at = models.DateTimeField(_("link revoked at"), null=True, blank=True)
    notified_sequence = models.PositiveIntegerField(
        _("calendar sequence last mailed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The meeting's state the invitee last received by mail."),
    )
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.OPEN
    )
    persons = models.PositiveSmallIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("For example accessibility needs or interpretation."),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InvitationQuerySet.as_manager()
    person_path = ""
    inviting = True

    class Meta:
        ordering = ["meeting", "contact__sort_name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                "meeting",
                "contact",
                name="one_invitation_per_contact_and_meeting",
                violation_error_message=_("This person is already invited to this meeting."),
            )
        ]
        indexes = [
            models.Index(fields=["meeting", "delivery"]),
            # The state of the office home's cached agenda (common.caching) is read along it.
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name}: {self.meeting}"

    def contact_ids(self) -> models.QuerySet:
        """The contact entry the mail went to (a query, for note_address_refused)."""
        path = f"{self.person_path}contact"
        return type(self).objects.filter(pk=self.pk).values(path).order_by()

    def mark_sent(self, *also: str) -> None:
        """The invitee now has the meeting as it stands (for offering change notices later)."""
        self.notified_sequence = self.meeting.sequence
        super().mark_sent("notified_sequence", *also)

    @property
    def answer_open(self) -> bool:
        """Answers can change until the deadline (or the start, if there is no deadline)."""
        if self.meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.HELD):
            return False
        deadline = self.meeting.answer_deadline or self.meeting.starts_at
        return deadline is None or timezone.now() < deadline


class Notice(MailState):
    """A mail after the invitation: reminder, change or cancellation notice, confirmation.

    One per invitation, kind and key: the key is the day for a reminder (never twice a day),
    the meeting's calendar sequence for a change notice, the moment of the answer for a
    confirmation. The unique constraint makes a second click or a colleague's click a no-op.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        CHANGE = "change", _("change notice")
        CANCELLATION = "cancellation", _("cancellation notice")
        CONFIRMATION = "confirmation", _("confirmation of the answer")

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), related_name="notices", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    person_path = "invitation__"

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                "invitation", "kind", "key", name="one_notice_per_invitation_kind_and_key"
            )
        ]
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.invitation}"

    @property
    def inviting(self) -> bool:
        return self.kind == self.Kind.REMINDER

    def contact_ids(self) -> models.QuerySet:
        """The contact entry the mail went to (a query, for note_address_refused)."""
        path = f"{self.person_path}contact"
        return type(self).objects.filter(pk=self.pk).values(path).order_by()

    def mark_sent(self, *also: str) -> None:
        super().mark_sent(*also)
        if self.kind in (self.Kind.CHANGE, self.Kind.CANCELLATION):
            Invitation.objects.filter(pk=self.invitation_id).update(
                notified_sequence=self.invitation.meeting.sequence
            )


class SubstituteProposal(models.Model):
    """A new person an invitee named to come in their place, waiting for the office.

    Someone holding the answer link (perhaps forwarded) must not be able to create people in
    the directory or make the network send official mail: a person who is not in the directory
    yet becomes a proposal, and the office confirms (then they are entered and invited) or
    rejects it. One per invitation.
    """

    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        related_name="substitute_proposal",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=100, validators=[plain_name])
    email = models.EmailField(_("e-mail address"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("proposed substitute")
        verbose_name_plural = _("proposed substitutes")

    def __str__(self) -> str:
        return f"{self.name}: {self.invitation}"


class ParticipationRequest(MailState):
    """Someone not invited asks to take part (the form on an upcoming meeting's page; no
    account). It reaches the office on the meeting's round: accepted, the person is invited as
    a guest under the rules of any guest; declined, they get a polite mail (the mail state);
    deleted, nothing is sent. Nothing is sent to the address before the office decides, and
    the answer to the form is the same for every address. Removed once the meeting is over
    (`manage.py retention`)."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        related_name="participation_requests",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=100, validators=[plain_name])
    organisation_name = models.CharField(_("organisation or initiative"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("request to take part")
        verbose_name_plural = _("requests to take part")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "meeting", name="one_participation_request_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.meeting}"

    @property
    def pending(self) -> bool:
        return self.declined_at is None


# -- date polls ("Terminabstimmung") -----------------------------------------------------------

# A poll's personal link keeps working this long after the poll closed or its deadline passed
# (the participant sees the outcome), then it expires.
POLL_LINK_GRACE = datetime.timedelta(days=14)


class DatePoll(models.Model):
    """Candidate dates for an announced meeting. Participants answer per slot from a personal
    link; an organisation counts once; the office picks the slot, which schedules the meeting,
    tells every participant and pre-fills the invitation round."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), related_name="poll", on_delete=models.CASCADE
    )
    deadline = models.DateTimeField(_("answer by"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    chosen_slot = models.ForeignKey(
        "PollSlot",
        verbose_name=_("chosen slot"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_open(self) -> bool:
        """Answers are taken until the deadline, unless the office chose a slot before."""
        return self.closed_at is None and timezone.now() < self.deadline

    @property
    def link_valid_until(self) -> datetime.datetime:
        return min(self.closed_at or self.deadline, self.deadline) + POLL_LINK_GRACE


class PollSlot(models.Model):
    poll = models.ForeignKey(
        DatePoll, verbose_name=_("date poll"), related_name="slots", on_delete=models.CASCADE
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("poll slot")
        verbose_name_plural = _("poll slots")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        # A word joiner after the dash: "14:00–17:00" never breaks in two.
        return f"{date_format(start, 'l, j. F Y, H:i')}–\u2060{date_format(end, 'H:i')}"


class PollParticipantQuerySet(models.QuerySet):
    def by_token(self, token: str) -> PollParticipant | None:
        """The participant a link is for, unless revoked or expired (all give the same 404).
        The expiry is checked on the row read: a filter across the poll made the database
        plan a costlier query than the one row it finds."""
        participant = (
            self.filter(token_hash=token_hash(token), revoked_at__isnull=True)
            .select_related("poll__meeting", "contact")
            .order_by()
            .first()
        )
        if participant is None or participant.poll.link_valid_until < timezone.now():
            return None
        return participant


class PollParticipant(PersonalLink, MailState):
    """A person asked in a poll, with their personal link; the mail state is the poll's mail."""

    link_purpose, answer_view = "poll", "poll_answer"

    poll = models.ForeignKey(
        DatePoll, verbose_name=_("date poll"), related_name="participants", on_delete=models.CASCADE
    )
    contact = models.ForeignKey(
        "organisations.ContactPerson",
        verbose_name=_("contact person"),
        related_name="poll_participations",
        on_delete=models.CASCADE,
    )
    reason = models.CharField(_("asked because"), max_length=20, choices=Invitation.Reason.choices)
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("link revoked at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PollParticipantQuerySet.as_manager()
    person_path = ""
    inviting = True

    class Meta:
        ordering = ["contact__sort_name", "pk"]
        verbose_name = _("poll participant")
        verbose_name_plural = _("poll participants")
        constraints = [
            models.UniqueConstraint("poll", "contact", name="one_participation_per_poll")
        ]

    def __str__(self) -> str:
        return f"{self.contact.name}: {self.poll}"


class PollAnswer(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("suits me")
        MAYBE = "maybe", _("if need be")
        NO = "no", _("does not suit me")

    participant = models.ForeignKey(
        PollParticipant,
        verbose_name=_("poll participant"),
        related_name="answers",
        on_delete=models.CASCADE,
    )
    slot = models.ForeignKey(
        PollSlot, verbose_name=_("poll slot"), related_name="answers", on_delete=models.CASCADE
    )
    choice = models.CharField(_("answer"), max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint("participant", "slot", name="one_answer_per_participant_slot")
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.slot} {self.choice}"


class PollNotice(MailState):
    """A mail after the poll's: a reminder (key: the day, never twice a day) or "Der Termin
    steht fest" (key: "decided", once)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        DECIDED = "decided", _("date fixed")

    participant = models.ForeignKey(
        PollParticipant,
        verbose_name=_("poll participant"),
        related_name="notices",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    person_path = "participant__"

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("poll notice")
        verbose_name_plural = _("poll notices")
        constraints = [
            models.UniqueConstraint(
                "participant", "kind", "key", name="one_poll_notice_per_participant_kind_and_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.participant}"

    @property
    def inviting(self) -> bool:
        return self.kind == self.Kind.REMINDER
