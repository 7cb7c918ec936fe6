"""Rate limits on logins, token pages and search, counted in a cache all processes share."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import InvitationFactory

CONSUME = """
import django
django.setup()
from allauth.core.internal.ratelimit import consume
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

allowed = 0
for _ in range(20):
    request = RequestFactory().get("/einladung/x/", REMOTE_ADDR="{ip}")
    request.user = AnonymousUser()
    allowed += consume(
        request, app="allauth.account", action="invitation_page", limit_get=True
    ) is not None
print(allowed)
"""


def test_personal_link_pages_are_rate_limited_per_address(db):
    invitation = InvitationFactory()
    url = f"/einladung/{invitation.token}/"
    client = Client(REMOTE_ADDR="198.51.100.1")
    statuses = [client.get(url).status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    response = client.get(url)
    assert "Zu viele Anfragen" in response.text
    assert Client(REMOTE_ADDR="198.51.100.2").get(url).status_code == 200
    # Guessing tokens counts too: unknown links use up the same allowance.
    guesser = Client(REMOTE_ADDR="198.51.100.3")
    guesses = [guesser.get(f"/einladung/{secrets.token_hex(32)}/").status_code for _ in range(31)]
    assert guesses[:30] == [404] * 30 and guesses[30] == 429


def test_directory_search_is_rate_limited_but_browsing_is_not(db):
    client = Client(REMOTE_ADDR="198.51.100.4")
    statuses = [client.get("/organisationen/", {"q": f"suche {n}"}).status_code for n in range(121)]

    assert statuses[:120] == [200] * 120 and statuses[120] == 429
    assert "Zu viele Anfragen" in client.get("/organisationen/", {"q": "neu"}).text
    assert (
        client.get("/organisationen/", {"q": "neu"}, headers={"hx-request": "true"}).status_code
        == 429
    )
    assert client.get("/organisationen/").status_code == 200


def test_the_same_search_again_comes_from_the_cache_and_does_not_count(db):
    client = Client(REMOTE_ADDR="198.51.100.5")
    statuses = [client.get("/organisationen/", {"q": "caritas"}).status_code for _ in range(130)]

    assert statuses == [200] * 130
    assert (
        Client(REMOTE_ADDR="198.51.100.5").get("/organisationen/", {"q": "neu"}).status_code == 200
    )


def two_processes(environment) -> list[int]:
    code = CONSUME.replace("{ip}", f"203.0.113.{secrets.randbelow(250) + 1}")
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "netzwerk.settings"} | environment
    processes = [
        subprocess.Popen(  # noqa: S603 — fixed arguments
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-1500:]
        results.append(int(out.strip().splitlines()[-1]))
    return results


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_limit_in_the_database_cache():
    if connection.vendor != "postgresql":
        pytest.skip("the child processes need the test database on a server (PostgreSQL)")
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )

    allowed = two_processes({"DATABASE_URL": url})

    assert sum(allowed) == 30, allowed  # 40 tries, one allowance of 30 a minute


def test_two_processes_share_the_limit_in_redis():
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")

    allowed = two_processes({"REDIS_URL": "redis://127.0.0.1:6379/15"})

    assert sum(allowed) == 30, allowed


def test_many_cached_renderings_never_push_rate_limit_counters_out(db, settings):
    # A full database cache drops a third of its entries (the first by key); rate limits keep
    # a cache of their own, so filling the renderings' cache cannot reset them.
    settings.CACHES = {
        alias: config | {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}}
        for alias, config in settings.CACHES.items()
    }
    url = f"/einladung/{InvitationFactory().token}/"
    guesser = Client(REMOTE_ADDR="198.51.100.6")
    assert [guesser.get(url).status_code for _ in range(31)][-1] == 429

    visitor = Client(REMOTE_ADDR="198.51.100.7")
    for page in range(20):  # twenty renderings of the directory, each its own entry
        assert visitor.get("/organisationen/", {"seite": page}).status_code == 200

    assert guesser.get(url).status_code == 429
