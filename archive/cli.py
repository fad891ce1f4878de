"""The `dagbok` command: each subcommand parses its options, calls one library function and maps errors."""

from __future__ import annotations

import functools
import logging
import sys
from datetime import date
from pathlib import Path

import click

from scraper.errors import DagbokError
from archive import output, queries, serve
from archive.check import check_archive, parse_thresholds
from scraper.paths import DEFAULT_DB, DEFAULT_SITE, DEFAULT_WARC_DIR
from scraper.version import dagbok_version


class DagbokClickError(click.ClickException):
    """A user-facing error: message without traceback, exit code 2 (dagbok could not run)."""

    exit_code = 2


def user_errors(command):
    """Turn every `DagbokError` raised by the library into one clean message."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DagbokError as error:
            raise DagbokClickError(str(error)) from error

    return wrapper


def iso_date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f'"{value}" is not a date; use YYYY-MM-DD, e.g. 2019-04-29') from None


db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
    show_default="data/dagbok.db", help="SQLite database file.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(dagbok_version(), prog_name="dagbok")
@click.option("-v", "--verbose", count=True, help="More detail; -vv for every request.")
def cli(verbose: int) -> None:
    """Archive the diary of Allmännyttans innovationslabb into SQLite."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)


# --- reading the archive: query, stats, serve, check (H6) ------------------------------


@cli.command()
@db_option
@click.option("--author", help="Posts by this author; ignores case and accents, matches part of the name (`kanervo`).")
@click.option("--role", help="Posts whose signature role contains this text (case and accents ignored).")
@click.option("--lab", help="Posts about this lab (Boden, Göteborg, Norrköping, Södertälje; `goteborg` works too).")
@click.option("--since", metavar="YYYY-MM-DD", help="Posts published on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Posts published on or before this day.")
@click.option("--search", metavar="WORDS", help="Full-text search in title, excerpt and body; every word must match, as a word start (`innovationslabb` finds `Innovationslabbet`).")
@click.option("--sort", type=click.Choice(list(queries.SORTS)), default=queries.DEFAULT_SORT, show_default=True,
              help="Order of the posts; `-published` is newest first.")
@click.option("--format", "fmt", type=click.Choice(queries.FORMATS), default="table", show_default=True,
              help="Output format; json, csv, jsonl and markdown carry every field.")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many posts.")
@user_errors
def query(db_path: Path, author, role, lab, since, until, search, sort, fmt, limit) -> None:
    """Print the posts that match every given filter."""
    post_query = queries.PostQuery(
        author=author, role=role, lab=lab, since=queries.parse_day(since), until=queries.parse_day(until),
        search=search, sort=sort, limit=limit,
    )
    posts = queries.find_posts(db_path, post_query)
    click.echo(output.format_posts(posts, fmt))


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@user_errors
def stats(db_path: Path, fmt: str) -> None:
    """Print posts per year, per lab and per author, the first and last post, and the last crawl."""
    click.echo(output.format_stats(queries.collect_stats(db_path), fmt))


@cli.command()
@db_option
@click.option("--min-coverage", "min_coverage", multiple=True, metavar="FIELD=PCT",
              help="Lowest share of posts that must have FIELD (published, title, author, role, excerpt, body, lab); "
                   "repeatable. Defaults: published, title, body 100; author, role 90; 0 turns a minimum off.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@user_errors
def check(db_path: Path, min_coverage: tuple[str, ...], fmt: str) -> None:
    """Report field coverage, layers, disagreements and failed pages; exit 1 if coverage is too low."""
    report = check_archive(db_path, thresholds=parse_thresholds(min_coverage))
    click.echo(output.format_check(report, fmt))
    sys.exit(report.exit_code)


@cli.command("serve")
@db_option
@click.option("--host", default=serve.DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=serve.DEFAULT_PORT, show_default=True,
              help="Port to listen on; 0 takes a free one.")
@user_errors
def serve_command(db_path: Path, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only), with data/metadata.yml."""
    server = serve.prepare_server(db_path, host=host, port=port)
    click.echo(f"Serving {db_path} read-only at {server.url} (Ctrl-C stops)")
    server.run()
