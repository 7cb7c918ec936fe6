"""Issue 22, point 2: members find people — only those they may see."""

import pytest

from organisations.models import ContactPerson
from privacy.services import erase
from tests.conftest import CACHE_WRITE
from tests.factories import ContactPersonFactory, OrganisationFactory, TopicFactory


@pytest.fixture
def health(db):
    return TopicFactory(name="Gesundheit", slug="gesundheit")


def test_members_find_a_person_by_their_own_topic_or_their_organisations(
    member, org_a, org_b, health
):
    own = ContactPersonFactory(organisation=org_b, name="Hanna Heil", role="Ärztin")
    own.topics.set([health])
    org_a.topics.set([health])
    ContactPersonFactory(organisation=OrganisationFactory(), name="Otto Anderswo")

    page = member.get("/organisationen/personen/", {"topic": health.slug}).text

    assert "Hanna Heil" in page and "Ärztin" in page and "Jugendring Ulm" in page
    assert "Mira Mitglied" in page  # org A works on the topic
    assert "Otto Anderswo" not in page


def test_a_person_kept_for_the_office_never_appears_for_another_organisations_member(
    outsider, member, staff, org_a
):
    ContactPersonFactory(organisation=org_a, name="Sonja Stabsstelle", visibility="staff")

    assert "Sonja Stabsstelle" not in outsider.get("/organisationen/personen/").text
    assert "Sonja Stabsstelle" not in outsider.get("/organisationen/personen/", {"q": "sonja"}).text
    assert "Sonja Stabsstelle" in member.get("/organisationen/personen/").text  # her own
    assert "Sonja Stabsstelle" in staff.get("/organisationen/personen/").text
    assert "Sonja Stabsstelle" not in outsider.get("/organisationen/personen/").text  # cached


def test_a_search_matches_name_role_and_organisation(member, org_b):
    ContactPersonFactory(organisation=org_b, name="Rita Rat", role="Verfahrensberatung")

    assert "Rita Rat" in member.get("/organisationen/personen/", {"q": "verfahren"}).text
    assert "Rita Rat" in member.get("/organisationen/personen/", {"q": "jugendring rita"}).text
    assert "Niemand passt" in member.get("/organisationen/personen/", {"q": "rita ulm x"}).text


def test_visitors_log_in_and_accounts_without_an_entry_are_refused(anonymous, client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert anonymous.get("/organisationen/personen/").status_code == 302
    assert client.get("/organisationen/personen/").status_code == 403


def test_staff_without_a_second_factor_are_sent_to_set_one_up(staff_without_second_factor):
    response = staff_without_second_factor.get("/organisationen/personen/")

    assert (response.status_code, response["Location"]) == (302, "/konto/2fa/")


@pytest.mark.parametrize("count", [1, 10_000])
def test_people_query_count_is_fixed(django_assert_num_queries, member, org_b, count):
    ContactPerson.objects.bulk_create(
        ContactPerson(organisation=org_b, name=f"Person {n}", email=f"p{n}@example.org")
        for n in range(count)
    )
    # 1 session, 2 user, 3 the state of contact persons and organisations, 4 the cached
    # rendering; the first time also 5 count, 6 page of persons with their organisation,
    # 7 their topics, 8 topics and 9 regions for the filter, 10-14 writing the rendering
    with django_assert_num_queries(9 + CACHE_WRITE):
        member.get("/organisationen/personen/")
    with django_assert_num_queries(4):
        member.get("/organisationen/personen/")


def test_the_cached_view_follows_every_change_deletions_too(member, staff, org_b, editor):
    """The rendering is kept by the latest change and the latest entry in the change history
    (no count of the rows): additions, edits, deletions, erasure and renaming show at once."""
    colleague = ContactPersonFactory(organisation=org_b, name="Carla Colleague")
    gone = ContactPersonFactory(organisation=org_b, name="Gerd Geht")
    erased = ContactPersonFactory(organisation=org_b, name="Emil Erased")

    def people():
        return member.get("/organisationen/personen/").text

    assert "Gerd Geht" in people()
    gone.delete()
    assert "Gerd Geht" not in people()
    erase(erased)
    assert "Emil Erased" not in people()
    ContactPersonFactory(organisation=org_b, name="Nora Neu")
    assert "Nora Neu" in people()
    org_b.name = "Umbenannt e. V."
    org_b.save()
    assert "Umbenannt e. V." in people()
    org_b.delete()
    assert "Carla Colleague" not in people() and colleague.name not in people()
