"""Backup and restore as docs/operations.md has them: `pg_dump --format=custom` of the demo
database, `pg_restore` into a fresh one, then every table's row count and a checksum of its
content compared. PostgreSQL only (CI runs it there)."""

import shutil
import subprocess
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore work on PostgreSQL"
    ),
]

# Per table: the number of rows and an md5 over its rows in text form, in a fixed order.
FIGURES = """
SELECT COUNT(*), md5(COALESCE(string_agg(row_text, E'\\n' ORDER BY row_text), ''))
FROM (SELECT t::text AS row_text FROM {table} AS t) AS rows
"""


def tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    return [name for (name,) in cursor.fetchall()]


def figures(cursor) -> dict[str, tuple]:
    result = {}
    for table in tables(cursor):
        cursor.execute(FIGURES.format(table=table))
        result[table] = cursor.fetchone()
    return result


def libpq(settings_dict: dict, name: str) -> list[str]:
    return [
        f"--host={settings_dict['HOST'] or '127.0.0.1'}",
        f"--port={settings_dict['PORT'] or 5432}",
        f"--username={settings_dict['USER']}",
        f"--dbname={name}",
    ]


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs PostgreSQL's client programs")
def test_a_dump_of_the_demo_data_restores_to_the_same_rows(tmp_path):
    call_command("demo_data", "--force", stdout=StringIO())
    database = connection.settings_dict
    dump = tmp_path / "netzwerk.dump"
    restored = f"{database['NAME']}_restored"
    with connection.cursor() as cursor:
        before = figures(cursor)
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}" TEMPLATE template0')
    try:
        # The commands of docs/operations.md.
        subprocess.run(  # noqa: S603 — fixed arguments
            ["pg_dump", "--format=custom", f"--file={dump}", *libpq(database, database["NAME"])],  # noqa: S607
            check=True,
        )
        subprocess.run(  # noqa: S603 — fixed arguments
            ["pg_restore", "--no-owner", "--exit-on-error", *libpq(database, restored), str(dump)],  # noqa: S607
            check=True,
        )
        with psycopg.connect(
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            user=database["USER"],
            dbname=restored,
        ) as other:
            after = figures(other.cursor())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')

    assert before["organisations_contactperson"][0] > 10  # the demo data is there
    assert before["meetings_pollanswer"][0] > 10
    assert after == before  # every table: the same rows, the same content
