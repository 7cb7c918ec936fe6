import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from meetings.models import Invitation, Meeting
from organisations.models import ContactPerson, Organisation, Topic

PASSWORD = "netzwerk-test-passwort"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_address(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda organisation: slugify(organisation.name))
    kind = Organisation.Kind.WELFARE
    city = "Stuttgart"
    listed_publicly = True


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    role = "Referent*in"
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    phone = "+49 711 123456"
    visibility = ContactPerson.Visibility.MEMBERS
    # A contact shown publicly agreed to it (the model refuses public display without).
    consent_given_at = factory.LazyAttribute(
        lambda contact: timezone.now() if contact.visibility == "public" else None
    )
    consent_method = factory.LazyAttribute(
        lambda contact: "written" if contact.visibility == "public" else ""
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    """A scheduled public meeting, three hours long, some weeks ahead."""

    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Vernetzungstreffen {n}")
    slug = factory.LazyAttribute(lambda meeting: slugify(meeting.title))
    theme = factory.SubFactory(TopicFactory)
    status = Meeting.Status.SCHEDULED
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=30)).replace(
            hour=13, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + datetime.timedelta(hours=3))
    venue_name = "Haus der Begegnung"
    venue_address = "Königstraße 1, 70173 Stuttgart"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    contact = factory.SubFactory(ContactPersonFactory)
    reason = Invitation.Reason.CORE_CIRCLE
