"""The layers of docs/architecture.md: an app imports only the apps to its left."""

import ast
from pathlib import Path

from django.conf import settings

# common ← organisations ← meetings ← mailings ← privacy ← office, pages ← netzwerk (same
# rank: neither imports the other).
LAYERS = {
    "common": 0,
    "organisations": 1,
    "meetings": 2,
    "mailings": 3,
    "privacy": 4,
    "office": 5,
    "pages": 5,
    "netzwerk": 6,
}


def imported_apps(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & LAYERS.keys()


def layer_violations(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root)} imports {name}"
        for app, rank in LAYERS.items()
        for path in sorted((root / app).rglob("*.py"))
        for name in sorted(imported_apps(path))
        if name != app and LAYERS[name] >= rank
    ]


def test_apps_import_only_the_layers_to_their_left():
    assert layer_violations(Path(settings.BASE_DIR)) == []


def test_a_forbidden_import_is_found(tmp_path):
    (tmp_path / "organisations").mkdir()
    (tmp_path / "organisations" / "views.py").write_text("from meetings.models import Meeting\n")
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "mail.py").write_text("import organisations.models\n")

    assert layer_violations(tmp_path) == [
        "common/mail.py imports organisations",
        "organisations/views.py imports meetings",
    ]
