import re

import pytest
from django.test import Client

from organisations.models import ContactPerson, Organisation, Region
from tests.conftest import CACHE_WRITE, main_part
from tests.factories import ContactPersonFactory, OrganisationFactory, TopicFactory


def names_in(response) -> list[str]:
    return [organisation.name for organisation in response.context["page"].object_list]


@pytest.fixture
def unlisted(db):
    return OrganisationFactory(name="Interne Stelle", slug="interne-stelle", listed_publicly=False)


def test_directory_visitors_see_only_public_organisations(anonymous, org_a, unlisted):
    response = anonymous.get("/organisationen/")

    assert names_in(response) == ["Caritas Stuttgart"]
    assert "Interne Stelle" not in response.text
    assert "1 Organisation" in response.text


def test_directory_members_see_all_organisations(member, org_a, unlisted):
    response = member.get("/organisationen/")

    assert names_in(response) == ["Caritas Stuttgart", "Interne Stelle"]
    assert "2 Organisationen" in response.text


def test_profile_visitors_never_see_persons(anonymous, org_a, member_contact):
    response = anonymous.get(f"/organisationen/{org_a.slug}/")

    assert response.status_code == 200
    for secret in [member_contact.name, member_contact.email, member_contact.phone]:
        assert secret not in response.text
    assert "Ansprechpersonen sind nur für Mitglieder des Netzwerks sichtbar." in response.text


def test_profile_visitors_see_public_contact_persons_without_edit_buttons(anonymous, org_a):
    ContactPersonFactory(organisation=org_a, name="Paula Public", visibility="public")

    response = anonymous.get(f"/organisationen/{org_a.slug}/")

    assert "Paula Public" in response.text
    assert "Bearbeiten" not in response.text


def test_profile_members_see_contact_persons(outsider, org_a, member_contact):
    response = outsider.get(f"/organisationen/{org_a.slug}/")

    assert member_contact.name in response.text
    assert member_contact.email in response.text
    assert member_contact.phone in response.text


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("outsider", False), ("member", True), ("editor", True), ("staff", True)],
)
def test_profile_staff_only_contacts_hidden_from_other_organisations(
    request, org_a, member_contact, persona, visible
):
    hidden = ContactPersonFactory(
        organisation=org_a,
        name="Vera Vertraulich",
        email="vera@example.org",
        visibility=ContactPerson.Visibility.STAFF,
    )
    client = request.getfixturevalue(persona)

    response = client.get(f"/organisationen/{org_a.slug}/")

    assert (hidden.email in response.text) is visible


@pytest.fixture
def searchable(db):
    health = TopicFactory(name="Gesundheit", slug="gesundheit")
    youth = TopicFactory(name="Kinder und Jugendliche", slug="kinder")
    doctors = OrganisationFactory(
        name="Ärztinnen und Ärzte für Flüchtlinge",
        short_name="ÄfF",
        city="Tübingen",
        description="Medizinische Sprechstunde.",
    )
    doctors.topics.set([health])
    council = OrganisationFactory(
        name="Landesjugendring", city="Stuttgart", description="Jugendverbände im Land."
    )
    council.topics.set([youth])
    union = OrganisationFactory(
        name="ver.di Stuttgart", city="Stuttgart", description="Gewerkschaft für Gesundheit."
    )
    ContactPersonFactory(organisation=union, name="Zeynep Özdemir")
    return doctors, council, union


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ä", ["Ärztinnen und Ärzte für Flüchtlinge", "Landesjugendring"]),
        ("ärzte", ["Ärztinnen und Ärzte für Flüchtlinge"]),
        ("ÄRZTE", ["Ärztinnen und Ärzte für Flüchtlinge"]),
        ("äff", ["Ärztinnen und Ärzte für Flüchtlinge"]),
        ("TÜBINGEN", ["Ärztinnen und Ärzte für Flüchtlinge"]),
        ("stuttgart", ["ver.di Stuttgart", "Landesjugendring"]),  # in the name: first
        ("stuttgart gesundheit", ["ver.di Stuttgart"]),
        ("jugendliche", ["Landesjugendring"]),
        ("sprechstunde", ["Ärztinnen und Ärzte für Flüchtlinge"]),
        ("nirgendwo", []),
        ("50%", []),
    ],
)
def test_directory_search_is_case_insensitive_and_narrows(anonymous, searchable, query, expected):
    response = anonymous.get("/organisationen/", {"q": query})

    assert names_in(response) == expected


def test_directory_search_finds_contact_names_for_members_only(anonymous, member, searchable):
    assert names_in(anonymous.get("/organisationen/", {"q": "özdemir"})) == []
    assert names_in(member.get("/organisationen/", {"q": "ÖZDEMIR"})) == ["ver.di Stuttgart"]


def test_directory_filters(anonymous, searchable):
    doctors, council, union = searchable
    council.in_core_circle = True
    council.kind = Organisation.Kind.YOUTH
    council.save()
    council.regions.set([Region.objects.get(slug="landesweit")])

    def filtered(**params):
        return names_in(anonymous.get("/organisationen/", params))

    assert filtered(topic="gesundheit") == ["Ärztinnen und Ärzte für Flüchtlinge"]
    assert filtered(kind="youth") == ["Landesjugendring"]
    assert filtered(region="landesweit") == ["Landesjugendring"]
    assert filtered(core_circle="ja") == ["Landesjugendring"]
    assert filtered(core_circle="nein") == [
        "Ärztinnen und Ärzte für Flüchtlinge",
        "ver.di Stuttgart",
    ]
    assert filtered(q="stuttgart", kind="youth") == ["Landesjugendring"]


def test_directory_bad_filter_value_shows_german_error(anonymous, searchable):
    response = anonymous.get("/organisationen/", {"kind": "raumschiff"})

    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.text


def test_directory_pagination_keeps_filters(anonymous):
    for number in range(25):
        OrganisationFactory(name=f"Beratung {number:02}", city="Ulm")

    first = anonymous.get("/organisationen/", {"q": "ulm"})
    second = anonymous.get("/organisationen/", {"q": "ulm", "seite": 2})

    assert "?q=ulm&amp;seite=2" in first.text
    assert "Seite 1 von 2" in first.text
    assert len(names_in(second)) == 5
    assert "?q=ulm&amp;seite=1" in second.text


def test_directory_empty_state(anonymous, searchable):
    response = anonymous.get("/organisationen/", {"q": "xyz"})

    assert "Keine Organisation passt zu Ihrer Suche." in response.text
    assert "0 Organisationen" in response.text


def test_directory_htmx_request_renders_only_the_results(anonymous, searchable):
    response = anonymous.get("/organisationen/", {"q": "ärzte"}, headers={"HX-Request": "true"})

    assert response.text.lstrip().startswith('<div id="results">')
    assert "<html" not in response.text
    assert "Ärztinnen und Ärzte" in response.text
    assert "HX-Request" in response["Vary"]


def make_organisations(count):
    topics = [TopicFactory(), TopicFactory()]
    regions = list(Region.objects.all()[:2])
    for _ in range(count):
        organisation = OrganisationFactory()
        organisation.topics.set(topics)
        organisation.regions.set(regions)


RATE_LIMIT_QUERIES = 12


@pytest.mark.parametrize("count", [1, 50])
def test_directory_query_count_is_fixed_for_visitors(django_assert_num_queries, count, anonymous):
    make_organisations(count)
    # 1 the organisations' state (cache key), 2 cached page part?, 3 cached results?, 4 count,
    # 5 page of organisations, 6 topics, 7 regions (prefetch), 8 topics and 9 regions of the
    # filter form's choices, + writing both parts; + 12 for the search's rate limit in the
    # database cache (lock, read, write; none with REDIS_URL)
    with django_assert_num_queries(9 + 2 * CACHE_WRITE + RATE_LIMIT_QUERIES):
        response = anonymous.get("/organisationen/", {"q": "organisation"})
    # again: state, the cached part (a search from the cache does not count against the limit)
    with django_assert_num_queries(2):
        cached = anonymous.get("/organisationen/", {"q": "organisation"})

    assert main_part(cached) == main_part(response)  # the rest differs in the CSP nonce


@pytest.mark.parametrize("count", [1, 50])
def test_directory_query_count_is_fixed_for_members(django_assert_num_queries, count, member):
    make_organisations(count)
    # 1 session, 2 user with their contact entry (membership), 3 state of the organisations
    # and of the contact persons (searched too), 4 and 5 cached parts?, 6 count, 7 page,
    # 8 topics, 9 regions, 10 the matching persons, 11 topic and 12 region choices, + writing
    # both parts; + the rate limit
    with django_assert_num_queries(12 + 2 * CACHE_WRITE + RATE_LIMIT_QUERIES):
        response = member.get("/organisationen/", {"q": "organisation"})
    # again: session, user with contact entry, the state, the cached part
    with django_assert_num_queries(4):
        cached = member.get("/organisationen/", {"q": "organisation"})

    assert main_part(cached) == main_part(response)  # the rest differs in the CSP nonce


@pytest.mark.parametrize("count", [1, 20])
def test_profile_query_count_is_fixed(django_assert_num_queries, count, org_a, member, outsider):
    for _ in range(count):
        ContactPersonFactory(organisation=org_a)
    # The own organisation (never cached): 1 session, 2 user with their contact entry,
    # 3 organisation, 4 contacts, 5 their topics, 6 the organisation's topics, 7 its regions
    with django_assert_num_queries(7):
        member.get(f"/organisationen/{org_a.slug}/")
    # A member of another organisation: 1 session, 2 user, 3 organisation, 4 the state of its
    # contact persons, 5 the cached part?, 6 contacts, 7 their topics, 8 the organisation's
    # topics, 9 its regions, + writing the part; again: the first four and the cached part
    with django_assert_num_queries(9 + CACHE_WRITE):
        first = outsider.get(f"/organisationen/{org_a.slug}/")
    with django_assert_num_queries(5):
        again = outsider.get(f"/organisationen/{org_a.slug}/")
    with django_assert_num_queries(5):  # a query string the page does not read: the same entry
        outsider.get(f"/organisationen/{org_a.slug}/", {"x": "1"})
    assert main_part(again) == main_part(first)


def test_directory_language_can_be_switched_to_english(db, org_a):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/organisationen/"})

    response = client.get("/organisationen/")

    assert "1 organisation" in response.text
    assert response["Content-Language"] == "en"


def test_a_whole_name_ranks_first_and_the_person_is_shown(member, org_b):
    split = OrganisationFactory(name="Arbeitskreis Asyl Aalen")
    ContactPersonFactory(organisation=split, name="Amina Berger", role="")
    ContactPersonFactory(organisation=split, name="Jonas Rahimi", role="")
    whole = OrganisationFactory(name="Zentrum für Beratung")
    ContactPersonFactory(organisation=whole, name="Amina Rahimi", role="Sozialberatung")
    hidden = OrganisationFactory(name="Beratung im Verborgenen")
    ContactPersonFactory(organisation=hidden, name="Amina Rahimi", visibility="staff")

    response = member.get("/organisationen/", {"q": "Amina Rahimi"})

    names = re.findall(r'<h2><a href="/organisationen/[^"]+/">([^<]+)</a>', response.text)
    assert names == ["Zentrum für Beratung", "Arbeitskreis Asyl Aalen"]
    found = " ".join(response.text.split())
    assert "Passend: <strong>Amina Rahimi</strong> (Sozialberatung)" in found
    assert "Passend: <strong>Amina Berger</strong>, <strong>Jonas Rahimi</strong>" in found
