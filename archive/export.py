"""Deposit files for a research data repository: posts, revisions, a manifest and a README.

Every row carries its post's URL, so the files stand on their own. The
manifest lists the captures the rows were read from with their sha256 digests
(and WARC file and offset), and the digest of each exported file, so a reader
can check both the export and its sources. Output is deterministic: the same
database gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scraper.errors import DagbokError
from scraper.version import dagbok_version

from .database import storage_errors
from .queries import in_scope, open_archive

FORMATS = ("jsonl", "csv")
MANIFEST = "manifest.json"

POST_FIELDS = (
    "url", "slug", "title", "published", "author", "role", "lab", "labs", "excerpt", "body", "status",
    "first_seen", "gone_since", "diary", "diary_evidence", "revisions", "capture_digest", "capture_fetched",
    "wayback_timestamp",
)
REVISION_FIELDS = (
    "url", "number", "title", "published", "author", "role", "lab", "labs", "excerpt", "body", "first_seen",
    "last_seen", "content_hash", "layers", "capture_digest", "capture_fetched", "wayback_timestamp",
)
CAPTURE_FIELDS = (
    "capture_id", "url", "final_url", "status", "fetched", "wayback_timestamp", "digest", "content_type",
    "source", "warc_file", "warc_offset",
)

# `/*diary*/` keeps the rows to the diary's posts (scraper/data/diary.toml) unless `--all`.
POSTS_SQL = """
SELECT d.url, d.slug, d.title, d.published, d.author, d.role, d.lab, d.labs, d.excerpt, d.body, d.status,
       d.first_seen, d.gone_since, p.diary, p.diary_evidence,
       (SELECT count(*) FROM revisions r WHERE r.post_id = d.id) AS revisions,
       c.digest AS capture_digest, c.fetched AS capture_fetched, c.wayback_timestamp
FROM all_post_details d JOIN posts p ON p.id = d.id LEFT JOIN captures c ON c.id = p.capture_id
WHERE 1 /*diary*/
ORDER BY d.published, d.url
"""
REVISIONS_SQL = """
SELECT p.url, r.number, r.title, r.published, a.name AS author, r.role, l.name AS lab, r.labs, r.excerpt, r.body,
       r.first_seen, r.last_seen, r.content_hash, r.layers,
       c.digest AS capture_digest, c.fetched AS capture_fetched, c.wayback_timestamp
FROM revisions r JOIN posts p ON p.id = r.post_id
LEFT JOIN authors a ON a.id = r.author_id LEFT JOIN labs l ON l.id = r.lab_id
LEFT JOIN captures c ON c.id = r.capture_id
WHERE 1 /*diary*/
ORDER BY p.url, r.number
"""
CAPTURES_SQL = """
SELECT c.id AS capture_id, c.url, c.final_url, c.status, c.fetched, c.wayback_timestamp, c.digest, c.content_type,
       c.source, c.warc_file, c.warc_offset
FROM captures c WHERE c.id IN (SELECT r.capture_id FROM revisions r JOIN posts p ON p.id = r.post_id WHERE 1 /*diary*/)
ORDER BY c.id
"""

README = """# dagbok export

The diary of Allmännyttans innovationslabb (allmannyttan.se, 2018–2020) as
archived by dagbok {version}. Text is kept exactly as published (Swedish
letters, curly quotes, dashes); only whitespace is normalised. Times are UTC
(`YYYY-MM-DDTHH:MM:SS.ffffffZ`), dates `YYYY-MM-DD`.

## Files

- `posts.{ext}`: one row per post, as last seen.
- `revisions.{ext}`: every version of every post that was observed, oldest first.
- `manifest.json`: the captures these rows were read from, with sha256 digests,
  WARC file and offset, and the sha256 of each file of this export.
- `README.md`: this file.

## posts

| field | meaning |
|---|---|
| url | the post's canonical URL (the key that joins the files) |
| slug | the last part of the URL path |
| title | the post's own title |
| published | the date shown on the page |
| author, role | the signature under the post (empty when unsigned) |
| lab | the one lab the post is about (Boden, Göteborg, Norrköping, Södertälje), empty for programme-wide posts |
| labs | every lab the post names{labs_note} |
| excerpt | the site's teaser form: the body's first 250 characters, then `...` |
| body | the post's own text; paragraphs separated by a blank line |
| status | `live`; `gone` (the page answered 404/410 or no source lists it any more); `teaser-only` (known only from teasers on other pages: no body) |
| first_seen | when the post's text was first observed (a Wayback capture counts at its capture time) |
| gone_since | when the post was first missed (empty unless gone) |
| diary | 1 when the post belongs to the diary, 0 for the site's other posts (exported with `--all` only) |
| diary_evidence | what decided `diary`: `override`, `category`, `lab`, `author` or `none` (dagbok's README, "The diary among the site's posts") |
| revisions | how many versions were observed |
| capture_digest, capture_fetched, wayback_timestamp | the capture the current version was first read from |

## revisions

The fields of `posts` as they stood in one version, plus:

| field | meaning |
|---|---|
| number | 1 for the oldest version |
| first_seen, last_seen | the span in which this version was observed |
| content_hash | sha256 of the version's fields; equal hashes mean equal versions |
| layers | for each field, which part of the page it was read from (jsonld, opengraph, time, wordpress, layout, teaser) |
"""


class ExportError(DagbokError):
    """An export that cannot be written."""


@dataclass
class ExportSummary:
    out_dir: Path
    format: str
    posts: int = 0
    revisions: int = 0
    captures: int = 0
    files: list[Path] = field(default_factory=list)


def export(db_path: Path | str, out_dir: Path | str, *, fmt: str = "jsonl", all_posts: bool = False) -> ExportSummary:
    """Write posts, revisions, manifest.json and README.md to `out_dir`: the diary's, or every post's (`all_posts`).

    The files are written to a folder beside `out_dir` and put in its place at the end, so
    `out_dir` never holds half an export, nor files of an earlier one the manifest does not
    list. A folder that holds anything but an earlier export is left alone (refused).
    """
    db_path, out_dir = Path(db_path), Path(out_dir)
    if fmt not in FORMATS:
        raise ExportError(f'format "{fmt}" is not one of {", ".join(FORMATS)}')
    _check_out_dir(out_dir)
    with open_archive(db_path) as conn:
        posts = [_clean(dict(row)) for row in conn.execute(in_scope(POSTS_SQL, all_posts=all_posts, posts="p"))]
        revisions = [_clean(dict(row)) for row in conn.execute(in_scope(REVISIONS_SQL, all_posts=all_posts, posts="p"))]
        captures = [dict(row) for row in conn.execute(in_scope(CAPTURES_SQL, all_posts=all_posts, posts="p"))]
        last_run = conn.execute("SELECT max(ended) FROM crawl_runs").fetchone()[0]
    summary = ExportSummary(out_dir, fmt, posts=len(posts), revisions=len(revisions), captures=len(captures))
    folder = out_dir.resolve()  # `--out .` names a folder too
    partial = folder.with_name(f".{folder.name}.partial")
    with storage_errors(partial):
        if partial.exists():
            shutil.rmtree(partial)  # left by an export that was stopped
        partial.mkdir(parents=True)
        write = _write_jsonl if fmt == "jsonl" else _write_csv
        names = [write(partial / f"posts.{fmt}", POST_FIELDS, posts),
                 write(partial / f"revisions.{fmt}", REVISION_FIELDS, revisions)]
        readme = partial / "README.md"
        labs_note = " (a JSON list)" if fmt == "jsonl" else " (separated by `; `)"
        readme.write_text(README.format(version=dagbok_version(), ext=fmt, labs_note=labs_note), encoding="utf-8")
        names.append(readme)
        manifest = {
            "dagbok": dagbok_version(),
            "database": db_path.name,
            "archived_until": last_run,
            "files": [
                {"name": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "rows": rows}
                for path, rows in zip(names, (len(posts), len(revisions), None))
            ],
            "captures": [{name: capture[name] for name in CAPTURE_FIELDS} for capture in captures],
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        names.append(partial / MANIFEST)
        _put_in_place(partial, folder)
    summary.files = [out_dir / path.name for path in names]
    return summary


def _export_files(folder: Path) -> set[str] | None:
    """The files of the dagbok export in `folder` (its manifest's list and the manifest), or None if it is none."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {entry["name"] for entry in manifest["files"]} | {MANIFEST} if "dagbok" in manifest else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _check_out_dir(out_dir: Path) -> None:
    """Refuse an `--out` that is a file, or a folder holding anything but an earlier dagbok export."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file; give --out a folder (new, empty, or an earlier export)")
    if not out_dir.is_dir():
        return
    present = {path.name for path in out_dir.iterdir()}
    if not present:
        return
    ours = _export_files(out_dir)
    others = sorted(present - ours) if ours is not None else sorted(present)
    if others:
        shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
        raise ExportError(
            f"{out_dir} holds files that are not an earlier dagbok export ({shown}); "
            "give --out a new or empty folder, or one an earlier export wrote"
        )


def _put_in_place(partial: Path, out_dir: Path) -> None:
    """Rename the finished folder to `out_dir`; an earlier export there is removed whole, after."""
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        # An empty folder (perhaps the working directory) stays: the files move in, the manifest last.
        for path in sorted(partial.iterdir(), key=lambda path: path.name == MANIFEST):
            os.replace(path, out_dir / path.name)
        partial.rmdir()
        return
    previous = None
    if out_dir.is_dir():
        previous = out_dir.with_name(f".{out_dir.name}.previous")
        if previous.exists():
            shutil.rmtree(previous)
        os.replace(out_dir, previous)
    os.replace(partial, out_dir)
    if previous is not None:
        shutil.rmtree(previous)


def _clean(row: dict) -> dict:
    """JSON text columns become values: labs a list, layers an object."""
    row = dict(row)
    row["labs"] = json.loads(row["labs"]) if row.get("labs") else []
    if "layers" in row:
        row["layers"] = json.loads(row["layers"]) if row["layers"] else {}
    return row


def _write_jsonl(path: Path, fields: tuple[str, ...], rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write(json.dumps({name: row[name] for name in fields}, ensure_ascii=False) + "\n")
    return path


def _write_csv(path: Path, fields: tuple[str, ...], rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            values = {name: row[name] for name in fields}
            values["labs"] = "; ".join(values["labs"])
            if "layers" in values:
                values["layers"] = json.dumps(values["layers"], ensure_ascii=False, sort_keys=True)
            writer.writerow(values)
    return path
