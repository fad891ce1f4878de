"""The `dagbok` command: each subcommand parses its options, calls one library function and maps errors."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import click

from archive import charts, demo, export, output, queries, rebuild, runs, serve, wacz
from archive.check import check_archive, parse_thresholds
from scraper.errors import DagbokError, ExitCode
from scraper.paths import DEFAULT_DB, DEFAULT_DEMO_DB, DEFAULT_SITE
from scraper.version import dagbok_version


log = logging.getLogger(__name__)


class DagbokClickError(click.ClickException):
    """A user-facing error: a message without traceback, and the exit code its cause calls for."""

    def __init__(self, message: str, exit_code: int = ExitCode.CANNOT_RUN) -> None:
        super().__init__(message)
        self.exit_code = int(exit_code)


def user_errors(command):
    """Turn whatever stops a command into one clean message and its exit code (see `ExitCode`).

    A `DagbokError` carries its own code (2, could not run, unless it says otherwise); an
    error of the operating system (a path, permissions, a full disk) means dagbok could not
    run either; Ctrl-C is "interrupted"; anything else is a bug, said in one line (`-v`
    adds the traceback).
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DagbokError as error:
            raise DagbokClickError(str(error), error.exit_code) from error
        except KeyboardInterrupt:
            raise DagbokClickError("interrupted; run the command again to finish", ExitCode.INTERRUPTED) from None
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            raise DagbokClickError(
                f"{error.strerror or error}{where}; check the path, its permissions and the free disk space",
                ExitCode.CANNOT_RUN,
            ) from error
        except Exception as error:
            log.info("the traceback of the unexpected error:", exc_info=True)
            raise DagbokClickError(
                f"dagbok stopped on an unexpected error ({type(error).__name__}: {error}); this is a bug: "
                "run the command again with -v (dagbok -v ...) to see where, and report it",
                ExitCode.INTERNAL_ERROR,
            ) from error

    return wrapper


all_option = click.option(
    "--all", "all_posts", is_flag=True,
    help="Every post stored, not only the diary's (which posts are the diary: scraper/data/diary.toml).",
)
db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
    show_default="data/dagbok.db", help="SQLite database file.",
)
table_or_json_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="Output format.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(dagbok_version(), prog_name="dagbok")
@click.option("-v", "--verbose", count=True, help="More detail; -vv for every request.")
def cli(verbose: int) -> None:
    """Archive the diary of Allmännyttans innovationslabb into SQLite."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)


# --- writing the archive: crawl, rebuild, export, demo ----------------------------------


@cli.command()
@click.option("--site", default=DEFAULT_SITE, show_default=True, envvar="DAGBOK_SITE",
              help="The site whose diary to crawl (or set DAGBOK_SITE).")
@db_option
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True, envvar="DAGBOK_DELAY",
              help="Seconds from the start of one request to the site to the start of the next, 0 to 60 "
                   "(a robots.txt Crawl-delay may ask for more, up to 60; or set DAGBOK_DELAY).")
@click.option("--full", is_flag=True, help="Read every listing again and ask for every page, each known post "
                                           "included (conditionally), so a post taken down is found gone.")
@click.option("--source", type=click.Choice(runs.SOURCES), default="live", show_default=True,
              help="Crawl the live site, or its captures in the Wayback Machine.")
@click.option("--wayback-url", metavar="URL",
              help="With --source wayback: the Wayback Machine to ask (default https://web.archive.org/).")
@click.option("--at", metavar="TIMESTAMP",
              help="With --source wayback: the captures as of this moment (4 to 14 digits, e.g. 20190429).")
@click.option("--from", "since", metavar="TIMESTAMP",
              help="With --source wayback: only captures from this moment on (4 to 14 digits, e.g. 2018).")
@click.option("--cdx-pace", type=click.FloatRange(min=0), metavar="SECONDS",
              help="With --source wayback: seconds between requests to the CDX index (default 2.5, "
                   "within the Archive's rate limit).")
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the WARC files (default: warc/ beside the database, i.e. data/warc).")
@click.option("--warc-max-size", type=click.IntRange(min=1), default=100, show_default=True, metavar="MB",
              help="Start a new WARC file once one has reached this many megabytes.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True,
              help="Seconds to wait for the site to answer a request.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Print only new and changed posts (for cron mail).")
@user_errors
def crawl(site, db_path, delay, full, source, wayback_url, at, since, cdx_pace, warc_dir, warc_max_size, timeout,
          as_json, quiet) -> None:
    """Crawl the diary into the database: new and changed posts, every capture kept in WARC files.

    Exit status: 0 all went well, 1 some pages failed or could not be read (listed), 2 could not run,
    3 the site looks wrong compared with the archive (listed), 130 interrupted, 70 a bug in dagbok.
    """
    terminal = sys.stderr.isatty()
    # With -v the run's log names each page already: a progress line too would print it twice.
    verbose = click.get_current_context().find_root().params["verbose"]
    progress = None if as_json or quiet or verbose else _progress_printer(terminal=terminal)
    summary = runs.run_crawl(
        db_path, site=site, delay=delay, full=full, source=source, wayback_url=wayback_url, at=at, since=since,
        cdx_pace=cdx_pace, warc_dir=warc_dir, warc_max_size=warc_max_size * 1_000_000, timeout=timeout, progress=progress,
    )
    if progress is not None and terminal:
        click.echo(err=True)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    elif quiet:
        text = runs.quiet_text(summary)
        if text:
            click.echo(text)
        if summary.alerts:
            click.echo(runs.alerts_text(summary), err=True)
        if summary.failures:
            click.echo(runs.failures_text(summary), err=True)
    else:
        click.echo(runs.summary_text(summary))
    sys.exit(summary.exit_code)


def _progress_printer(*, terminal: bool):
    """Progress on stderr: a status line rewritten in place on a terminal, a plain line per page otherwise.

    Plain lines suit logs and the systemd journal; cron users pass --quiet and get neither.
    """
    counts: Counter[str] = Counter()

    def show(stored) -> None:
        counts[stored.outcome] += 1
        if terminal:
            tally = "  ".join(f"{outcome} {number}" for outcome, number in sorted(counts.items()))
            line = f"{counts.total():5d} pages  {tally}  {stored.url}"
            click.echo("\r" + line[:120].ljust(120), nl=False, err=True)
        else:
            click.echo(f"{stored.outcome:<9} {stored.url}", err=True)

    return show


@cli.command("rebuild")
@click.option("--from-warc", "warc_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory of the WARC files the crawls wrote (e.g. data/warc).")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The new database to write; must not exist yet.")
@click.option("--archive", "archive_id", metavar="ID",
              help="Rebuild only this archive's files, when the folder holds several (the id's first characters; "
                   "'unnamed' for files written before archives had ids).")
@user_errors
def rebuild_command(warc_dir: Path, db_path: Path, archive_id: str | None) -> None:
    """Rebuild a database from WARC files alone (no network), parsing every capture again."""
    summary = rebuild.rebuild(warc_dir, db_path, archive=archive_id)
    click.echo(
        f"Rebuilt {summary.db_path} from {len(summary.files)} WARC files ({summary.records} records): "
        f"{summary.runs} runs, {summary.captures} captures, {summary.posts} posts, {summary.revisions} revisions"
    )
    if summary.without_id == len(summary.files):
        click.echo(f"  archive {summary.archive}: a new id, as the files name none (written before archives had ids)")
    else:
        click.echo(f"  archive {summary.archive}" + (
            f"; {summary.without_id} files read without an archive id (written before archives had ids)"
            if summary.without_id else ""))
    for other in summary.left_out:
        click.echo(f"  left out the files of another archive: {other}")


@cli.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice([*export.FORMATS, wacz.FORMAT]), default="jsonl",
              show_default=True, help="File format of posts and revisions; wacz packs the WARC files for replay.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write posts, revisions, manifest.json and README.md (or the .wacz) to.")
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --format wacz: the WARC files to pack (default: warc/ beside the database).")
@all_option
@user_errors
def export_command(db_path: Path, fmt: str, out_dir: Path, warc_dir: Path | None, all_posts: bool) -> None:
    """Write posts and revisions for deposit (or a WACZ package for replay tools)."""
    if fmt == wacz.FORMAT:
        if all_posts:
            raise export.ExportError("--all applies only to --format jsonl and csv; leave it out for wacz")
        packed = wacz.export_wacz(db_path, out_dir, warc_dir=warc_dir)
        skipped = f"; {len(packed.skipped)} known only from teasers have no page" if packed.skipped else ""
        click.echo(f"Packed {len(packed.warc_files)} WARC files into {packed.path}: "
                   f"{packed.pages} posts in pages/pages.jsonl{skipped}")
        for other in packed.left_out:
            click.echo(f"  left out the WARC files of another archive in the folder: {other}")
        return
    if warc_dir is not None:
        raise export.ExportError("--warc-dir applies only with --format wacz; leave it out for jsonl and csv")
    summary = export.export(db_path, out_dir, fmt=fmt, all_posts=all_posts)
    click.echo(
        f"Exported {summary.posts} posts and {summary.revisions} revisions ({summary.captures} source captures) "
        f"to {summary.out_dir}: " + ", ".join(path.name for path in summary.files)
    )


@cli.command("demo")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DEMO_DB,
              show_default="data/demo/dagbok.db", help="Demo database (made afresh each time).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port for the sample site; 0 takes a free one.")
@user_errors
def demo_command(db_path: Path, port: int) -> None:
    """Serve the bundled sample site on 127.0.0.1, crawl it into a demo database and show what to try."""
    report = demo.run_demo(db_path, port=port)
    click.echo(report.text())


# --- reading the archive: query, stats, serve, check ------------------------------------


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
              help="Output format; json, csv and jsonl carry every field, markdown a linked table.")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many posts.")
@all_option
@user_errors
def query(db_path: Path, author, role, lab, since, until, search, sort, fmt, limit, all_posts) -> None:
    """Print the diary's posts that match every given filter (`--all`: any stored post)."""
    post_query = queries.PostQuery(
        author=author, role=role, lab=lab, since=queries.parse_day(since), until=queries.parse_day(until),
        search=search, sort=sort, limit=limit, all_posts=all_posts,
    )
    posts = queries.find_posts(db_path, post_query)
    click.echo(output.format_posts(posts, fmt))


@cli.command()
@db_option
@table_or_json_option
@click.option("--chart", "chart_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also draw posts per lab per month and authors over time as SVG files in this directory.")
@all_option
@user_errors
def stats(db_path: Path, fmt: str, chart_dir: Path | None, all_posts: bool) -> None:
    """Print posts per year, per lab and per author, the first and last post, and the last crawl."""
    click.echo(output.format_stats(queries.collect_stats(db_path, all_posts=all_posts), fmt))
    if chart_dir is not None:
        drawn = charts.write_charts(db_path, chart_dir, all_posts=all_posts)
        click.echo(f"Charts ({drawn.months} months, {drawn.authors} authors): "
                   + ", ".join(str(path) for path in drawn.files), err=fmt == "json")


@cli.command()
@db_option
@click.option("--min-coverage", "min_coverage", multiple=True, metavar="FIELD=PCT",
              help="Lowest share of posts that must have FIELD (published, title, author, role, excerpt, body, lab); "
                   "repeatable. Defaults: published, title, body 100; author, role 90; 0 turns a minimum off.")
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The archive's WARC files, where other archives' files are looked for (default: warc/ beside "
                   "the database).")
@table_or_json_option
@all_option
@user_errors
def check(db_path: Path, min_coverage: tuple[str, ...], warc_dir: Path | None, fmt: str, all_posts: bool) -> None:
    """Report field coverage, layers, disagreements and failed pages; exit 1 on any problem below.

    Exit 1 when a field is under its minimum, when a page came back but could not be read (a post
    missing its date, title or body), and when one post is stored under two forms of the site (www or
    bare host, http or https).
    """
    report = check_archive(db_path, thresholds=parse_thresholds(min_coverage), all_posts=all_posts,
                           warc_dir=warc_dir)
    click.echo(output.format_check(report, fmt))
    sys.exit(report.exit_code)


@cli.command("serve")
@db_option
@click.option("--host", default=serve.DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=serve.DEFAULT_PORT, show_default=True,
              help="Port to listen on; 0 takes a free one.")
@user_errors
def serve_command(db_path: Path, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only), with the metadata shipped in the package."""
    server = serve.prepare_server(db_path, host=host, port=port)
    if server.exposed:
        click.echo(f"Warning: --host {host} serves the archive beyond this machine (Datasette asks no password); "
                   f"--host {serve.DEFAULT_HOST} keeps it local", err=True)
    click.echo(f"Serving {db_path} read-only at {server.url} (Ctrl-C stops)")
    server.run()
