from django.db import migrations
from django.utils.text import slugify

URBAN = [
    "Baden-Baden",
    "Freiburg im Breisgau",
    "Heidelberg",
    "Heilbronn",
    "Karlsruhe",
    "Mannheim",
    "Pforzheim",
    "Stuttgart",
    "Ulm",
]
RURAL = [
    "Alb-Donau-Kreis",
    "Biberach",
    "Böblingen",
    "Bodenseekreis",
    "Breisgau-Hochschwarzwald",
    "Calw",
    "Emmendingen",
    "Enzkreis",
    "Esslingen",
    "Freudenstadt",
    "Göppingen",
    "Heidenheim",
    "Heilbronn",
    "Hohenlohekreis",
    "Karlsruhe",
    "Konstanz",
    "Lörrach",
    "Ludwigsburg",
    "Main-Tauber-Kreis",
    "Neckar-Odenwald-Kreis",
    "Ortenaukreis",
    "Ostalbkreis",
    "Rastatt",
    "Ravensburg",
    "Rems-Murr-Kreis",
    "Reutlingen",
    "Rhein-Neckar-Kreis",
    "Rottweil",
    "Schwäbisch Hall",
    "Schwarzwald-Baar-Kreis",
    "Sigmaringen",
    "Tübingen",
    "Tuttlingen",
    "Waldshut",
    "Zollernalbkreis",
]


def regions():
    yield "landesweit", "landesweit", "statewide"
    for name in URBAN:
        yield f"{name} (Stadtkreis)", "stadt-" + slugify(name), "urban"
    for name in RURAL:
        label = name if name.endswith(("kreis", "Kreis")) else f"{name} (Landkreis)"
        yield label, "kreis-" + slugify(name), "rural"


def add_regions(apps, schema_editor):
    Region = apps.get_model("organisations", "Region")
    for name, slug, kind in regions():
        Region.objects.update_or_create(slug=slug, defaults={"name": name, "kind": kind})


def remove_regions(apps, schema_editor):
    Region = apps.get_model("organisations", "Region")
    Region.objects.filter(slug__in=[slug for _, slug, _ in regions()]).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(add_regions, remove_regions)]
