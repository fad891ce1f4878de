"""The `dagbok` command: each subcommand parses its options, calls one library function and maps errors."""

from __future__ import annotations

import functools
import logging
import sys
from datetime import date
from pathlib import Path

import click

from scraper.errors import DagbokError
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
