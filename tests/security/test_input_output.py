"""QUALITY.md → Input and output (escaping everywhere: tests/test_site.py; CSV formulas:
tests/meetings/test_round.py; CR/LF in headers: tests/meetings/test_sending.py; .ics
escaping: tests/meetings/test_calendar.py; bad input per form: test_fuzz.py)."""

import re
from pathlib import Path

from django.conf import settings

# Places allowed to mark text safe, none of it user data.
REVIEWED = {
    "meetings/templatetags/meetings.py": "json_script escapes the JSON; only the type changes",
    "templates/includes/field.html": "help texts come from the code, as in Django's template",
}
RAW_SQL = re.compile(r"\.raw\(|\.extra\(|RawSQL\(|cursor\.execute\(|mark_safe\(|\|safe\b")


def test_no_raw_sql_and_no_unreviewed_mark_safe_in_the_application():
    root = Path(settings.BASE_DIR)
    sources = [
        path
        for folder in ("netzwerk", "organisations", "meetings", "templates")
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
