"""QUALITY.md → Input and output (escaping everywhere: tests/test_site.py; CSV formulas:
tests/meetings/test_round.py; CR/LF in headers: tests/meetings/test_sending.py; .ics
escaping: tests/meetings/test_calendar.py; bad input per form: test_fuzz.py)."""

import re
from pathlib import Path

from django.conf import settings

# Places allowed to mark text safe or to run a statement of their own, none of it built from
# user data: values go as parameters, names are our own tables' and columns', quoted.
REVIEWED = {
    "meetings/templatetags/meetings.py": "json_script escapes the JSON; only the type changes",
    "templates/includes/field.html": "help texts come from the code, as in Django's template",
    "mailings/emails.py": "text_to_html escapes every piece before it joins the tags",
    "meetings/tasks.py": "the lock statement as the ORM compiled it, the mail's key a parameter",
    "meetings/models.py": "MailState.store: quoted column names of the model, values parameters",
    "common/caching.py": "quoted table names of our own models, no parameters",
    "office/polls.py": "participant_counts: a quoted table name, values parameters",
    "common/worker.py": "SELECT 1 (is the database back?)",
    "common/health.py": "SELECT 1 (the health check)",
}
APPLICATION = (
    "netzwerk",
    "common",
    "organisations",
    "meetings",
    "mailings",
    "office",
    "pages",
    "privacy",
    "templates",
)
RAW_SQL = re.compile(r"\.raw\(|\.extra\(|RawSQL\(|cursor\.execute\(|mark_safe\(|\|safe\b")


def test_no_raw_sql_and_no_unreviewed_mark_safe_in_the_application():
    root = Path(settings.BASE_DIR)
    sources = [
        path
        for folder in APPLICATION
        for path in (root / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts
    ]
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW_SQL.search(line) and str(path.relative_to(root)) not in REVIEWED
    ]

    assert found == []
    # Every package of the application is looked at, new ones too.
    packages = {path.parent.name for path in root.glob("*/__init__.py")}
    assert packages - {"benchmark", "tests"} <= set(APPLICATION)
