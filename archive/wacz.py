"""The archive as one WACZ 1.1.1 package: the WARC files, their index, and a page list of the posts.

A WACZ is what ReplayWeb.page opens and pywb imports: a zip of the WARC files,
a CDXJ index of them, `datapackage.json` with the sha256 of each file, and
`pages/pages.jsonl`, the pages a reader is offered. dagbok writes that list itself
rather than letting the packager guess: one line per post that has a page of its
own (URL, title, and the time of the post's latest capture, which the package's
index resolves to that capture), so the reader opens on the diary, not on feeds,
sitemaps and bookkeeping records. The package is built by the `wacz` package.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from scraper.errors import DagbokError

from .captures import stored_moment
from .database import archive_id, run_starts
from .queries import open_archive
from .warc import files_of_runs, warc_archives, warc_date, warc_files

FORMAT = "wacz"  # `dagbok export --format wacz`
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Posts of Allmännyttans innovationslabb"}
TITLE = "Allmännyttans innovationslabb – dagboken"
DESCRIPTION = "The diary of Allmännyttans innovationslabb (allmannyttan.se, 2018–2020), archived by dagbok."

# The posts of `post_details` (the posts the archive shows by default), each at its latest capture
# that has a record of the page: a response, or a revisit (304s included).
PAGES_SQL = """
SELECT p.url, p.title, c.final_url, c.fetched, c.wayback_timestamp
FROM post_details p JOIN captures c ON c.id = (
    SELECT id FROM captures WHERE url = p.url AND status IN (200, 304) ORDER BY id DESC LIMIT 1)
ORDER BY p.published, p.url
"""


class WaczError(DagbokError):
    """A WACZ package that cannot be written."""


@dataclass
class WaczSummary:
    path: Path
    pages: int = 0
    warc_files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # posts with no page of their own (known only from teasers)
    left_out: list[str] = field(default_factory=list)  # other archives whose files share the folder, described


def page_lines(db_path: Path) -> tuple[list[dict], list[str]]:
    """The pages.jsonl entries of the posts (URL, title, capture time), and the posts left out."""
    with open_archive(db_path) as conn:
        rows = list(conn.execute(PAGES_SQL))
        every_post = [row["url"] for row in conn.execute("SELECT url FROM post_details ORDER BY url")]
    pages = []
    for row in rows:
        moment = stored_moment(row["wayback_timestamp"], row["fetched"])
        pages.append({"url": row["final_url"], "title": row["title"] or row["url"], "ts": warc_date(moment)})
    listed = {row["url"] for row in rows}
    return pages, [url for url in every_post if url not in listed]


def export_wacz(db_path: Path | str, out_dir: Path | str, *, warc_dir: Path | str | None = None) -> WaczSummary:
    """Write `<out_dir>/<database name>.wacz` from the WARC files of `warc_dir` (default: `warc/` beside the database).

    Only the files this archive's runs wrote are packed (`warc.files_of_runs`): those of
    another archive kept in the same folder are left out, and named in the summary.

    The package is written under a temporary name and renamed when complete, so a
    half-written one never passes for finished.
    """
    db_path, out_dir = Path(db_path), Path(out_dir)
    pages, skipped = page_lines(db_path)  # first: a missing, foreign or damaged database is named as such
    with open_archive(db_path) as conn:
        own, runs = archive_id(conn), run_starts(conn)
    warc_dir = Path(warc_dir) if warc_dir is not None else db_path.parent / "warc"
    files = warc_files(warc_dir)
    if not files:
        raise WaczError(f"no WARC files (dagbok-*.warc.gz) in {warc_dir}; pass the --warc-dir the crawls wrote to")
    files, others = files_of_runs(warc_archives(files), runs)
    if not files:
        raise WaczError(f"none of the WARC files in {warc_dir} is this archive's ({own or 'no id'}): they are "
                        f"{'; '.join(other.describe() for other in others)}; pass the --warc-dir its crawls wrote to")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{db_path.stem}.wacz"
    partial = out_dir / f".{path.name}.partial"
    pages_path = out_dir / f".{db_path.stem}-pages.jsonl"
    with pages_path.open("w", encoding="utf-8") as out:
        for entry in [PAGES_HEADER, *pages]:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    try:
        _create(partial, pages_path, files)
        os.replace(partial, path)
    finally:
        pages_path.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return WaczSummary(path=path, pages=len(pages), warc_files=[file.name for file in files], skipped=skipped,
                       left_out=[other.describe() for other in others])


def _create(path: Path, pages_path: Path, files: list[Path]) -> None:
    """Run the `wacz` packager (it prints as it goes: kept for the error message only)."""
    from wacz.main import main as wacz_main

    args = ["create", "-o", str(path), "--pages", str(pages_path), "--title", TITLE, "--desc", DESCRIPTION,
            *map(str, files)]
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        try:
            code = wacz_main(args)
        except Exception as error:  # the packager raises on damaged input; name it, with what it said
            raise WaczError(f"the WACZ packager failed: {error}; {said.getvalue().strip()[-500:]}") from error
    unmatched = [line for line in said.getvalue().splitlines() if line.startswith("Invalid passed page")]
    if code != 0 or unmatched:
        raise WaczError(f"the WACZ packager failed (exit {code}): {(unmatched or [said.getvalue().strip()[-500:]])[0]}")
