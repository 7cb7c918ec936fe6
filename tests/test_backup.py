"""Backup and restore as docs/operations.md has them: a demo database of its own (migrated and
filled by `demo_data` in a process of its own), `pg_dump --format=custom`, `pg_restore` into a
fresh database, then every table's row count and a checksum of its content compared.
PostgreSQL only (CI runs it there)."""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="pg_dump and pg_restore work on PostgreSQL",
)

# Per table: the number of rows and an md5 over its rows in text form, in a fixed order.
FIGURES = """
SELECT COUNT(*), md5(COALESCE(string_agg(row_text, E'\\n' ORDER BY row_text), ''))
FROM (SELECT t::text AS row_text FROM {table} AS t) AS rows
"""


def figures(dbname: str) -> dict[str, tuple]:
    with psycopg.connect(**server(), dbname=dbname) as database:
        names = database.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        return {name: database.execute(FIGURES.format(table=name)).fetchone() for (name,) in names}


def server() -> dict:
    database = connection.settings_dict
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
    }


def libpq(dbname: str) -> list[str]:
    options = server()
    return [
        f"--host={options['host']}",
        f"--port={options['port']}",
        f"--username={options['user']}",
        f"--dbname={dbname}",
    ]


def test_a_dump_of_the_demo_database_restores_to_the_same_rows(tmp_path):
    source = f"{connection.settings_dict['NAME']}_demo"
    restored = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(**server(), dbname="postgres", autocommit=True) as admin:
        for name in (source, restored):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f"CREATE DATABASE \"{name}\" LOCALE 'C.UTF-8' TEMPLATE template0")
    options = server()
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{options['user']}@{options['host']}:{options['port']}/{source}",
        "DEBUG": "1",
    }
    try:
        for command in (["migrate", "--no-input", "-v0"], ["demo_data"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=settings.BASE_DIR,
                env=environment,
                check=True,
                capture_output=True,
            )
        # The commands of docs/operations.md.
        dump = tmp_path / "netzwerk.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", *libpq(source)], check=True)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *libpq(restored), str(dump)],
            check=True,
        )
        before, after = figures(source), figures(restored)
    finally:
        with psycopg.connect(**server(), dbname="postgres", autocommit=True) as admin:
            for name in (source, restored):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert before["organisations_contactperson"][0] > 10  # the demo data is there
    assert before["meetings_pollanswer"][0] > 10
    assert len(before) > 30  # every table of every app
    assert after == before  # every table: the same rows, the same content
