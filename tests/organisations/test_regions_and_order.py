"""Issue 22, point 1: statewide organisations in every region, German alphabetical order, and an
empty directory that says what to change."""

from organisations.models import Organisation, Region, Topic
from tests.factories import ContactPersonFactory, OrganisationFactory, TopicFactory


def test_an_organisation_working_statewide_is_found_in_every_region(anonymous, db):
    topic = TopicFactory(name="Familiennachzug", slug="familiennachzug")
    statewide = OrganisationFactory(name="Flüchtlingsrat")
    statewide.regions.set([Region.objects.get(kind="statewide")])
    statewide.topics.set([topic])
    local = OrganisationFactory(name="Beratung Ulm")
    local.regions.set([Region.objects.get(slug="stadt-ulm")])
    local.topics.set([topic])
    stuttgart = Region.objects.get(slug="stadt-stuttgart")

    page = anonymous.get("/organisationen/", {"topic": topic.slug, "region": stuttgart.slug}).text

    assert "Flüchtlingsrat" in page and "landesweit" in page
    assert "Beratung Ulm" not in page
    assert list(Organisation.objects.in_region(stuttgart)) == [statewide]


def test_regions_and_topics_sort_as_in_a_german_dictionary(db):
    names = [region.name for region in Region.objects.all()]
    TopicFactory(name="Ärztliche Versorgung")
    TopicFactory(name="Arbeit")
    TopicFactory(name="Zuwanderung")

    assert names[0] == "landesweit"
    assert names.index("Böblingen (Landkreis)") < names.index(
        "Breisgau-Hochschwarzwald (Landkreis)"
    )
    assert names.index("Lörrach (Landkreis)") < names.index("Ludwigsburg (Landkreis)")
    assert names.index("Tübingen (Landkreis)") < names.index("Tuttlingen (Landkreis)")
    topics = [topic.name for topic in Topic.objects.all()]
    assert (
        topics.index("Arbeit") < topics.index("Ärztliche Versorgung") < topics.index("Zuwanderung")
    )


def test_an_empty_directory_says_what_to_change(anonymous, org_a):
    topic = TopicFactory(name="Queere Geflüchtete", slug="queer")

    only_filters = anonymous.get("/organisationen/", {"topic": topic.slug}).text
    only_words = anonymous.get("/organisationen/", {"q": "gibtesnicht"}).text
    both = anonymous.get("/organisationen/", {"q": "gibtesnicht", "topic": topic.slug}).text

    assert "Entfernen Sie einen Filter (Themenfeld: Queere Geflüchtete)." in only_filters
    assert "Wörtern" not in only_filters
    assert "Versuchen Sie es mit weniger oder anderen Wörtern." in only_words
    assert "weniger Wörtern oder entfernen Sie einen Filter (Themenfeld: Queere" in both


def test_contact_persons_sort_as_in_a_german_dictionary(member, org_a):
    for name in ["Özlem Yıldız", "Oskar Ost", "Paula Pohl"]:
        ContactPersonFactory(organisation=org_a, name=name)

    names = list(org_a.contacts.values_list("name", flat=True))
    page = member.get(f"/organisationen/{org_a.slug}/").text

    assert names.index("Oskar Ost") < names.index("Özlem Yıldız") < names.index("Paula Pohl")
    assert page.index("Oskar Ost") < page.index("Özlem Yıldız") < page.index("Paula Pohl")
