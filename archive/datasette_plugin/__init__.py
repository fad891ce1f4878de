"""dagbok's Datasette plugin: the CLI's rules for folding names, labs and search, and a layout for reading.

Registered through the `datasette` entry point (pyproject.toml), so `dagbok serve` and a
plain `datasette dagbok.db` both load it. It gives every connection:

* `dagbok_fold(text)`: a name folded as the CLI folds it (case and accents ignored), so
  the canned query `posts_by_author?author=nordstrom` finds `Nordström`;
* `dagbok_lab(text)`: the lab a user means (`goteborg`, `Rannebergen` → `Göteborg`), NULL
  for no lab, as `dagbok query --lab` resolves it;
* `dagbok_search(words)`: the CLI's full-text expression (every word a quoted prefix term,
  `archive.queries.fts_terms`); it also replaces Datasette's `escape_fts`, so the table
  search box matches word beginnings like `dagbok query --search` and never answers 400
  (`Lina-Hage`, a stray quote, a trailing `AND` are words, not syntax);
* the `swedish` collation of `archive.queries`.

Its templates list the posts first on the home page and name a facet on a foreign key by
what it shows (`author`, not `author_id`); its stylesheet keeps one table row a line and
the column descriptions in a short scrolling box, so the rows are on the first screen.
`/<database>/-/charts` shows the charts of `archive/charts.py` (posts per lab per month,
authors over time).
"""

from __future__ import annotations

import functools

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from archive.charts import draw_charts, read_figures
from archive.queries import BadQuery, collate_swedish, fold, fts_terms, resolve_lab
from scraper.labs import LabVocabulary, UnknownLab

NOTHING = '""'  # an FTS5 expression that matches no row (an empty phrase)


def search_expression(words: str | None) -> str:
    """The CLI's MATCH expression for `words`; one that matches nothing when they hold no word."""
    try:
        return fts_terms(words or "")
    except BadQuery:
        return NOTHING


@functools.cache
def _vocabulary() -> LabVocabulary:
    return LabVocabulary.load()


def lab_or_none(name: str | None) -> str | None:
    """The lab's own name for what a user typed, as `dagbok query --lab` resolves it; None for no lab."""
    if name is None:
        return None
    try:
        return resolve_lab(name, vocabulary=_vocabulary())
    except UnknownLab:
        return None


@hookimpl(trylast=True)  # after Datasette's own hook, so that `escape_fts` is ours
def prepare_connection(conn):
    conn.create_function("dagbok_fold", 1, fold, deterministic=True)
    conn.create_function("dagbok_lab", 1, lab_or_none, deterministic=True)
    conn.create_function("dagbok_search", 1, search_expression, deterministic=True)
    conn.create_function("escape_fts", 1, search_expression, deterministic=True)
    conn.create_collation("swedish", collate_swedish)


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("dagbok", "dagbok.css")]  # "dagbok": the entry point's name


@hookimpl
def extra_template_vars(template, datasette):
    """For the home page: each database's tables in the order of its metadata, plumbing last."""
    if template != "index.html":
        return {}

    def archive_tables(database: str) -> dict[str, list[dict]]:
        described = datasette.metadata("tables", database=database) or {}
        shown = [{"name": name, **config} for name, config in described.items()]
        return {
            "main": [table for table in shown if not table.get("hidden")],
            "plumbing": [table for table in shown if table.get("hidden")],
        }

    return {"archive_tables": archive_tables}


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/charts$", charts_page)]


async def charts_page(datasette, request):
    """The archive's charts as one page, drawn from the database as it is served."""
    name = request.url_vars["database"]
    try:
        database = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database called {name}") from None
    charts = draw_charts(await database.execute_fn(read_figures))
    context = {"database": name, "charts": list(charts.values())}
    return Response.html(await datasette.render_template("dagbok_charts.html", context, request=request))
