"""Cached list renderings (netzwerk/caching.py) follow every change and never cross audiences."""

import datetime

import time_machine
from django.utils import timezone

from privacy.services import erase
from tests.factories import ContactPersonFactory, MeetingFactory, OrganisationFactory


def test_directory_shows_a_renamed_added_or_removed_organisation_at_once(anonymous):
    renamed = OrganisationFactory(name="Alter Name")
    removed = OrganisationFactory(name="Bald weg")
    assert "Alter Name" in anonymous.get("/organisationen/").text

    renamed.name = "Neuer Name"
    renamed.save()
    removed.delete()
    OrganisationFactory(name="Ganz neu")
    page = anonymous.get("/organisationen/").text

    assert "Neuer Name" in page
    assert "Ganz neu" in page
    assert "Alter Name" not in page
    assert "Bald weg" not in page


def test_members_rendering_never_reaches_visitors(member, anonymous):
    OrganisationFactory(name="Nur für Mitglieder", listed_publicly=False)
    OrganisationFactory(name="Öffentlich gelistet")
    assert "Nur für Mitglieder" in member.get("/organisationen/").text
    assert "Nur für Mitglieder" in member.get("/organisationen/", {"q": "Mitglieder"}).text

    assert "Nur für Mitglieder" not in anonymous.get("/organisationen/").text
    assert "Nur für Mitglieder" not in anonymous.get("/organisationen/", {"q": "Mitglieder"}).text


def test_htmx_results_follow_a_change_too(anonymous):
    organisation = OrganisationFactory(name="Vorher")
    headers = {"HX-Request": "true", "HX-Target": "results"}
    assert "Vorher" in anonymous.get("/organisationen/", headers=headers).text

    organisation.name = "Nachher"
    organisation.save()

    assert "Nachher" in anonymous.get("/organisationen/", headers=headers).text


def test_meeting_list_follows_changes_and_drops_a_meeting_once_it_is_over(anonymous):
    meeting = MeetingFactory(title="Treffen Kinder und Jugendliche")
    assert "Treffen Kinder und Jugendliche" in anonymous.get("/treffen/").text

    meeting.title = "Treffen Jugendliche"
    meeting.save()
    assert "Treffen Jugendliche" in anonymous.get("/treffen/").text

    with time_machine.travel(meeting.ends_at + datetime.timedelta(hours=1)):
        assert "Treffen Jugendliche" not in anonymous.get("/treffen/").text
        assert "Treffen Jugendliche" in anonymous.get("/treffen/archiv/").text


def test_non_public_meeting_stays_with_members(member, anonymous):
    MeetingFactory(title="Internes Treffen", is_public=False)
    assert "Internes Treffen" in member.get("/treffen/").text

    assert "Internes Treffen" not in anonymous.get("/treffen/").text


def test_calendar_feed_answers_not_modified_until_a_meeting_changes(anonymous):
    meeting = MeetingFactory(venue_name="Bürgerhaus West")
    first = anonymous.get("/treffen/kalender.ics")
    etag = first.headers["ETag"]

    unchanged = anonymous.get("/treffen/kalender.ics", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304

    meeting.venue_name = "Rathaus"
    meeting.starts_at = timezone.now() + datetime.timedelta(days=40)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=2)
    meeting.save()
    changed = anonymous.get("/treffen/kalender.ics", headers={"If-None-Match": etag})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "LOCATION:Rathaus" in changed.content.decode()
    assert "SEQUENCE:1" in changed.content.decode()


def test_calendar_feed_of_one_theme_is_cached_apart(anonymous):
    first, second = MeetingFactory(), MeetingFactory()
    everything = anonymous.get("/treffen/kalender.ics").content.decode()
    one_theme = anonymous.get("/treffen/kalender.ics", {"thema": first.theme.slug})

    assert first.title in everything and second.title in everything
    assert second.title not in one_theme.content.decode()


def test_a_member_search_does_not_find_an_erased_person_any_more(member):
    contact = ContactPersonFactory(name="Frieda Früher", organisation=OrganisationFactory())
    assert "1 Organisation" in member.get("/organisationen/", {"q": "Frieda"}).text

    erase(contact)

    assert "0 Organisationen" in member.get("/organisationen/", {"q": "Frieda"}).text


def test_organisation_page_follows_its_changes_and_its_contact_persons(outsider, anonymous):
    organisation = OrganisationFactory(name="Beratungsstelle Nord", description="Alt")
    leaving = ContactPersonFactory(organisation=organisation, name="Lea Geht")
    staying = ContactPersonFactory(organisation=organisation, name="Sam Bleibt")
    url = organisation.get_absolute_url()
    assert "Lea Geht" in outsider.get(url).text and "Alt" in anonymous.get(url).text

    organisation.description = "Neu beschrieben"
    organisation.save()
    leaving.delete()
    staying.role = "Leitung"
    staying.save()
    ContactPersonFactory(organisation=organisation, name="Nia Neu")
    page, public = outsider.get(url).text, anonymous.get(url).text

    assert "Neu beschrieben" in page and "Neu beschrieben" in public
    assert "Lea Geht" not in page and "Nia Neu" in page and "Leitung" in page
    assert "Sam Bleibt" not in public  # the members' rendering never reaches visitors


def test_organisation_page_of_the_own_organisation_and_for_staff_is_never_cached(
    member, staff, member_contact, outsider
):
    url = member_contact.organisation.get_absolute_url()
    ContactPersonFactory(
        organisation=member_contact.organisation, name="Vera Vertraulich", visibility="staff"
    )
    assert "Vera Vertraulich" not in outsider.get(url).text  # cached for members elsewhere

    assert "Vera Vertraulich" in member.get(url).text
    staff_page = staff.get(url).text
    assert "Vera Vertraulich" in staff_page and "csrfmiddlewaretoken" in staff_page


def test_organisation_page_follows_its_contact_persons_alone(outsider):
    organisation = OrganisationFactory(name="Beratungsstelle Süd")
    hidden_later = ContactPersonFactory(organisation=organisation, name="Hana Später")
    removed = ContactPersonFactory(organisation=organisation, name="Rolf Raus")
    erased = ContactPersonFactory(organisation=organisation, name="Elke Gelöscht")
    url = organisation.get_absolute_url()
    page = outsider.get(url).text
    assert "Hana Später" in page and "Rolf Raus" in page and "Elke Gelöscht" in page

    # The organisation itself is not saved: only its contact persons change.
    hidden_later.visibility = "staff"
    hidden_later.save()
    assert "Hana Später" not in outsider.get(url).text
    removed.delete()
    assert "Rolf Raus" not in outsider.get(url).text
    erase(erased)
    assert "Elke Gelöscht" not in outsider.get(url).text
