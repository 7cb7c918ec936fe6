"""Reference data for performance measurements: a state-wide network, reproducible from a seed.

Default size: 2,000 organisations, 10,000 contact persons, all topics and regions, 300 meetings
over several years and 20,000 invitations with answers; one meeting has 300 invitations (the
staff answers page is measured on it). Besides, one meeting announced for the first quarter of
next year with an open date poll: 12 dates, 300 people asked (the core circle first), each of
whom has answered for every date (the poll's pages are measured on it). Runs on an empty
database only.
"""

import datetime
import hashlib
import random
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from meetings.models import (
    Invitation,
    Meeting,
    PollAnswer,
    PollParticipant,
    personal_token,
    token_hash,
)
from meetings.polls import open_poll
from netzwerk.management.commands.demo_data import FIRST_NAMES, LAST_NAMES, ROLES, TOPICS
from organisations.models import ContactPerson, Organisation, Region, Topic, sort_key

PLACES = [
    "Stuttgart", "Karlsruhe", "Mannheim", "Freiburg", "Heidelberg", "Ulm", "Heilbronn",
    "Pforzheim", "Reutlingen", "Esslingen", "Tübingen", "Konstanz", "Ludwigsburg", "Aalen",
]  # fmt: skip
KINDS_OF_WORK = [
    "Flüchtlingshilfe", "Migrationsberatung", "Jugendmigrationsdienst", "Psychosoziales Zentrum",
    "Asylarbeitskreis", "Frauenberatung", "Integrationsmanagement", "Sprachcafé", "Bildungswerk",
]  # fmt: skip
THEMED_MEETING = "Vernetzungstreffen Referenz 300"
POLL_MEETING = "Terminabstimmung Referenz"


class Command(BaseCommand):
    help = "Create reproducible reference data for the benchmark (empty database only)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--organisations", type=int, default=2000)
        parser.add_argument("--contacts-per-organisation", type=int, default=5)
        parser.add_argument("--meetings", type=int, default=300)
        parser.add_argument("--invitations", type=int, default=20000)
        parser.add_argument("--poll-participants", type=int, default=300)

    def handle(self, *args, **options):
        if Organisation.objects.exists():
            raise CommandError("The database already holds organisations.")
        rng = random.Random(options["seed"])
        with transaction.atomic():
            topics = self.topics()
            organisations = self.organisations(rng, options["organisations"], topics)
            contacts = self.contacts(rng, organisations, options["contacts_per_organisation"])
            meetings = self.meetings(rng, options["meetings"], topics)
            invitations = self.invitations(rng, meetings, contacts, options["invitations"])
            asked = self.poll(rng, topics, organisations, contacts, options["poll_participants"])
            self.upkeep(random.Random(options["seed"] + 1), organisations, contacts)
            self.attendance(random.Random(options["seed"] + 2))
        self.stdout.write(
            f"{len(organisations)} organisations, {len(contacts)} contact persons, "
            f"{len(meetings)} meetings, {invitations} invitations (seed {options['seed']})"
        )
        self.stdout.write(
            f"Date poll {slugify(POLL_MEETING)}: 12 dates, {asked} people asked, all answered"
        )

    def topics(self):
        for name, description in TOPICS:
            Topic.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": description}
            )
        return list(Topic.objects.order_by("pk"))

    def organisations(self, rng, count, topics):
        regions = list(Region.objects.order_by("pk"))
        kinds = [kind for kind, _label in Organisation.Kind.choices]
        organisations = []
        for number in range(count):
            place = rng.choice(PLACES)
            name = f"{rng.choice(KINDS_OF_WORK)} {place} {number + 1}"
            organisations.append(
                Organisation(
                    name=name,
                    sort_name=sort_key(name),
                    slug=f"{slugify(name)}",
                    kind=rng.choice(kinds),
                    description=f"{name}: Beratung und Begleitung geflüchteter Menschen.",
                    city=place,
                    postcode=f"{rng.randint(68000, 89999)}",
                    street=f"Hauptstraße {rng.randint(1, 120)}",
                    email=f"info@org{number + 1}.example.org",
                    in_core_circle=number < 30,
                    listed_publicly=rng.random() < 0.8,
                )
            )
        organisations = Organisation.objects.bulk_create(organisations)
        Organisation.topics.through.objects.bulk_create(
            Organisation.topics.through(organisation_id=org.pk, topic_id=topic.pk)
            for org in organisations
            for topic in rng.sample(topics, rng.randint(1, 3))
        )
        Organisation.regions.through.objects.bulk_create(
            Organisation.regions.through(organisation_id=org.pk, region_id=region.pk)
            for org in organisations
            for region in rng.sample(regions, rng.randint(1, 2))
        )
        return organisations

    def attendance(self, rng):
        """Who came to the meetings held, as the office records it: most who said yes, some
        who said maybe, a few who did not answer; the meetings' figures follow."""
        chance = {"yes": 0.85, "maybe": 0.4, "open": 0.05, "no": 0.0}
        invitations = list(
            Invitation.objects.filter(meeting__status=Meeting.Status.HELD).only("pk", "answer")
        )
        for invitation in invitations:
            invitation.attended = rng.random() < chance[invitation.answer]
        Invitation.objects.bulk_update(invitations, ["attended"], batch_size=2000)
        present = Invitation.objects.filter(attended=True)
        figures = {
            row["meeting"]: row
            for row in present.values("meeting").annotate(
                people=Count("pk"), organisations=Count("contact__organisation", distinct=True)
            )
        }
        held = list(Meeting.objects.filter(status=Meeting.Status.HELD))
        for meeting in held:
            row = figures.get(meeting.pk, {"people": 0, "organisations": 0})
            meeting.participants_count = row["people"]
            meeting.organisations_count = row["organisations"]
        Meeting.objects.bulk_update(held, ["participants_count", "organisations_count"])

    def upkeep(self, rng, organisations, contacts):
        """Entries made over four years, most confirmed within the last one, and an address in
        a hundred refused by the mail server: the office's upkeep lists have rows to show."""
        now = timezone.now()
        for organisation in organisations:
            organisation.created_at = now - datetime.timedelta(days=rng.uniform(0, 4 * 365))
            old = now - organisation.created_at > datetime.timedelta(days=365)
            if old and rng.random() < 0.7:
                organisation.confirmed_at = now - datetime.timedelta(days=rng.uniform(0, 330))
        Organisation.objects.bulk_update(
            organisations, ["created_at", "confirmed_at"], batch_size=2000
        )
        refused = [contact for contact in contacts if rng.random() < 0.01]
        for contact in refused:
            contact.address_failed_at = now - datetime.timedelta(days=rng.uniform(0, 60))
            contact.address_error = "550 5.1.1 user unknown"
        ContactPerson.objects.bulk_update(
            refused, ["address_failed_at", "address_error"], batch_size=2000
        )

    def contacts(self, rng, organisations, per_organisation):
        visibility = [ContactPerson.Visibility.MEMBERS] * 8 + [ContactPerson.Visibility.STAFF] * 2
        contacts = ContactPerson.objects.bulk_create(
            ContactPerson(
                organisation_id=org.pk,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                role=rng.choice(ROLES),
                email=f"person{position}@org{index + 1}.example.org",
                phone=f"+49 711 {rng.randint(100000, 999999)}",
                is_editor=position == 0,
                receives_invitations=rng.random() < 0.95,
                visibility=rng.choice(visibility),
            )
            for index, org in enumerate(organisations)
            for position in range(per_organisation)
        )
        for contact in contacts:  # bulk_create saves no sort_name of its own
            contact.sort_name = sort_key(contact.name)
        ContactPerson.objects.bulk_update(contacts, ["sort_name"], batch_size=2000)
        topic_ids = list(Topic.objects.values_list("pk", flat=True))
        ContactPerson.topics.through.objects.bulk_create(
            ContactPerson.topics.through(contactperson_id=contact.pk, topic_id=topic)
            for contact in contacts
            for topic in rng.sample(topic_ids, rng.randint(0, 2))
        )
        return contacts

    def meetings(self, rng, count, topics):
        zone = zoneinfo.ZoneInfo("Europe/Berlin")
        first = datetime.datetime(2023, 1, 10, 14, tzinfo=zone)
        meetings = []
        for number in range(count):
            starts = first + datetime.timedelta(days=round(number * 1825 / max(count, 1)))
            past = starts < datetime.datetime.now(tz=zone)
            status = Meeting.Status.HELD if past else Meeting.Status.SCHEDULED
            if rng.random() < 0.05:
                status = Meeting.Status.CANCELLED
            theme = rng.choice(topics)
            title = THEMED_MEETING if number == 0 else f"Vernetzungstreffen {theme.name} {number}"
            meeting = Meeting(
                title=title,
                slug=slugify(title),
                theme=theme,
                status=status,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=3),
                venue_name=f"Bürgerhaus {rng.choice(PLACES)}",
                venue_address="Marktplatz 1",
                description=f"Offenes Vernetzungstreffen zum Thema {theme.name}.",
            )
            meeting.sort_at, meeting.until = meeting.time_span()
            meetings.append(meeting)
        return Meeting.objects.bulk_create(meetings)

    def invitations(self, rng, meetings, contacts, count):
        answers = ["yes", "yes", "maybe", "no", "open", "open"]
        rows = []
        per_meeting = {meetings[0].pk: min(300, count, len(contacts))}
        rest = count - per_meeting[meetings[0].pk]
        others = meetings[1:]
        for index, meeting in enumerate(others):
            share = rest // len(others) + (1 if index < rest % len(others) else 0)
            per_meeting[meeting.pk] = min(share, len(contacts))
        for meeting in meetings:
            for contact in rng.sample(contacts, per_meeting[meeting.pk]):
                nonce = f"{rng.getrandbits(128):032x}"
                answer = rng.choice(answers)
                rows.append(
                    Invitation(
                        meeting_id=meeting.pk,
                        contact_id=contact.pk,
                        reason=rng.choice(["core_circle", "theme", "staff"]),
                        nonce=nonce,
                        token_hash=hashlib.sha256(personal_token(nonce).encode()).hexdigest(),
                        delivery=Invitation.Delivery.SENT,
                        notified_sequence=0,
                        answer=answer,
                        persons=rng.randint(1, 3) if answer in ("yes", "maybe") else 1,
                        attended=(answer == "yes")
                        if meeting.status == Meeting.Status.HELD
                        else None,
                    )
                )
        Invitation.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def poll(self, rng, topics, organisations, contacts, count) -> int:
        """An announced meeting of the next year's first quarter with an open date poll of 12
        weekday afternoons: `count` people asked (the core circle's first, then others the office
        added), sent, every one of them answered for every date. Returns how many were asked."""
        year = timezone.localdate().year + 1
        meeting = Meeting.objects.create(
            title=POLL_MEETING,
            slug=slugify(POLL_MEETING),
            theme=topics[0],
            status=Meeting.Status.ANNOUNCED,
            period_year=year,
            period_quarter=1,
            description=f"Offenes Vernetzungstreffen zum Thema {topics[0].name}.",
        )
        zone = timezone.get_current_timezone()
        first = datetime.date(year, 1, 12)
        first += datetime.timedelta(days=(1 - first.weekday()) % 7)  # a Tuesday
        days = [
            first + datetime.timedelta(weeks=week, days=day)
            for week in range(4)
            for day in range(3)
        ]
        slots = [
            (
                datetime.datetime.combine(day, datetime.time(14), zone),
                datetime.datetime.combine(day, datetime.time(17), zone),
            )
            for day in days
        ]
        now = timezone.now()
        # Ahead and before the first date, whenever in the year the data is built.
        deadline = min(now + datetime.timedelta(days=30), slots[0][0] - datetime.timedelta(days=7))
        poll = open_poll(
            meeting=meeting,
            deadline=deadline,
            note="Bitte geben Sie für jeden Termin an, ob er Ihnen passt.",
            slots=slots,
            opened_by=None,
        )
        core = {org.pk for org in organisations if org.in_core_circle}
        willing = [contact for contact in contacts if contact.receives_invitations]
        in_core = [contact for contact in willing if contact.organisation_id in core]
        others = [contact for contact in willing if contact.organisation_id not in core]
        count = min(count, len(willing))
        asked = in_core[:count] + rng.sample(others, max(0, count - len(in_core)))
        participants = []
        for contact in asked:
            nonce = f"{rng.getrandbits(128):032x}"
            participants.append(
                PollParticipant(
                    poll=poll,
                    contact_id=contact.pk,
                    reason="core_circle" if contact.organisation_id in core else "staff",
                    nonce=nonce,
                    token_hash=token_hash(personal_token(nonce, "poll")),
                    delivery=PollParticipant.Delivery.SENT,
                    attempts=1,
                    queued_at=now,
                    sent_at=now,
                    answered_at=now,
                )
            )
        participants = PollParticipant.objects.bulk_create(participants)
        # Each date draws its own mix of "passt", "notfalls" and "passt nicht".
        weights = [(rng.randint(2, 8), rng.randint(1, 4), rng.randint(1, 5)) for _slot in slots]
        slot_ids = list(poll.slots.values_list("pk", flat=True))
        PollAnswer.objects.bulk_create(
            (
                PollAnswer(
                    participant_id=participant.pk,
                    slot_id=slot,
                    choice=rng.choices(["yes", "maybe", "no"], weights=mix)[0],
                )
                for participant in participants
                for slot, mix in zip(slot_ids, weights, strict=True)
            ),
            batch_size=2000,
        )
        return len(participants)
