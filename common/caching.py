"""Cached renderings of lists, keyed by the state of their rows.

The key changes whenever a row is added, changed (`updated_at`) or removed, or leaves the list
(an upcoming meeting that has passed); a rename of a topic or region, which touches no row,
shows once the entry expires (LIST_CACHE_SECONDS).
"""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.models import Count, Max

LIST_CACHE_SECONDS = 600


def data_version(queryset) -> str:
    # COUNT(*), not of a column: PostgreSQL counts along the index on updated_at then.
    figures = queryset.aggregate(count=Count("*"), changed=Max("updated_at"))
    changed = figures["changed"].timestamp() if figures["changed"] else 0
    return f"{figures['count']}.{changed}"


def change_versions(models) -> list[str]:
    """The latest change to any row of each model, a deletion included, read off two indexes
    per model (in one query): the rows' `updated_at` and the change history's `history_date`
    (django-simple-history records every save and every delete, cascades too). Counting the
    rows, as data_version does to see deletions, reads the whole index: 2 ms for 10,000
    contact persons against 0.1 ms."""
    if not models:
        return []
    # Table names of our own models, quoted: nothing from a request goes into the statement.
    quote = connection.ops.quote_name
    columns = []
    for model in models:
        table, history = model._meta.db_table, model.history.model._meta.db_table
        columns.append(f"(SELECT MAX(updated_at) FROM {quote(table)})")  # noqa: S608
        columns.append(f"(SELECT MAX(history_date) FROM {quote(history)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")
        row = cursor.fetchone()
    return [f"{changed}|{recorded}" for changed, recorded in zip(row[::2], row[1::2], strict=True)]


def list_cache_key(request, *sources, audience: str, filters: bool = True) -> str:
    """What a list's rendering depends on: its rows (a queryset, or a model with a change
    history: all of its rows), who looks (`audience`, named by the view: "member" or
    "visitor"), the language, the filters (the query string; a page that reads none leaves it
    out, so it makes no entries of its own)."""
    models = [source for source in sources if not hasattr(source, "query")]
    versions = ":".join(
        [data_version(source) for source in sources if hasattr(source, "query")]
        + change_versions(models)
    )
    query = request.GET.urlencode() if filters else ""
    return f"{versions}:{audience}:{request.LANGUAGE_CODE}:{query}"


def drop_renderings() -> None:
    """Remove every cached rendering (after a person is erased: a rendering may show them).

    They have a table of their own in the database cache; in Redis, which they share with
    sessions and rate limits, only the keys under their prefix go.
    """
    renderings = caches["template_fragments"]
    if isinstance(renderings, RedisCache):
        client = renderings._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{renderings.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        renderings.clear()
