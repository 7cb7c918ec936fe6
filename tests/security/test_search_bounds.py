"""QUALITY.md → Input: a search is bounded in words and length, with a German message, so that
a long search cannot keep the database busy (fails without the fix: 1,000 one-letter words
answered 500 on SQLite after seconds)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from organisations.models import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS, Organisation
from tests.factories import OrganisationFactory


@pytest.mark.parametrize("persona", ["anonymous", "member"])
def test_a_search_of_too_many_words_gets_a_german_message_and_finds_nothing(
    request, persona, org_a
):
    client = request.getfixturevalue(persona)

    response = client.get("/organisationen/", {"q": " ".join("a" * 1000)})

    assert response.status_code == 200
    assert f"Bitte suchen Sie mit höchstens {SEARCH_MAX_WORDS} Wörtern." in response.text
    assert "0 Organisationen" in response.text


def test_a_search_that_is_too_long_gets_a_german_message(anonymous, org_a):
    response = anonymous.get("/organisationen/", {"q": "caritas" * 40})

    assert f"Bitte suchen Sie mit höchstens {SEARCH_MAX_LENGTH} Zeichen." in response.text
    assert 'value="' + "caritas" * 40 in response.text  # what was typed stays


def test_the_longest_allowed_search_still_works(member, db):
    OrganisationFactory(name="Arbeitskreis Asyl Tübingen")
    words = ["arbeitskreis", "asyl", "tübingen", *["kreis"] * (SEARCH_MAX_WORDS - 3)]

    response = member.get("/organisationen/", {"q": " ".join(words)})

    assert "1 Organisation" in response.text


def test_the_queryset_itself_keeps_to_the_bounds(db):
    OrganisationFactory(name="Caritas")
    text = " ".join(["caritas"] * SEARCH_MAX_WORDS + ["gibtesnicht"] * 500)

    assert Organisation.objects.search(text, user=AnonymousUser()).count() == 1
