"""QUALITY.md → Tokens in e-mailed links (bits, hashing, same 404, deadline: tests/meetings/
test_answer.py; rate limits: test_rate_limits.py)."""

import logging
import re
import threading

import pytest
from django.db import connection
from django.test import Client

from meetings.models import Invitation
from meetings.services import record_answer
from tests.factories import InvitationFactory


def test_answer_page_keeps_the_token_to_itself(db, caplog):
    invitation = InvitationFactory()
    caplog.set_level(logging.DEBUG)

    response = Client().get(f"/einladung/{invitation.token}/")

    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    # Nothing is loaded from other sites.
    assert not re.search(r'(src|href)="(https?:)?//', response.text)
    assert invitation.token not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_answering_twice_at_once_leaves_one_answer():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database locks)")
    invitation = InvitationFactory()
    start = threading.Barrier(2)

    def answer(choice, persons):
        start.wait()
        try:
            record_answer(invitation=invitation, answer=choice, persons=persons, note="")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=("yes", 3)),
        threading.Thread(target=answer, args=("maybe", 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = Invitation.objects.get(pk=invitation.pk)
    assert (stored.answer, stored.persons) in {("yes", 3), ("maybe", 2)}
    assert Invitation.objects.filter(contact=invitation.contact).count() == 1
