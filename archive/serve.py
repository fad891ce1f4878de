"""`dagbok serve`: the archive in Datasette 0.65, read-only, with the package's `metadata.yml` (scraper/data/).

Datasette is built in this process (not through its own command line) for two reasons:
metadata names databases by file stem, so the `dagbok` entry of metadata.yml is renamed
to the stem of the file being served (`demo.db` → `demo`); and the listening socket is
bound first, so `--port 0` takes a free port whose URL is known before serving starts.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import signal
import socket
import sqlite3
import threading
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from archive.database import check_pages, connect_archive, connect_read_only, storage_errors, writable
from scraper.errors import DagbokError
from scraper.paths import data_path

METADATA_PATH = data_path("metadata.yml")
METADATA_DATABASE = "dagbok"  # the key under `databases:` in metadata.yml
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
# Long cells (bodies, excerpts) are cut in tables and shown whole on a row's page; a facet
# lists its ten commonest values (the rest behind "…"), so the rows start on the first screen.
SETTINGS = {"default_page_size": 50, "truncate_cells_html": 160, "default_facet_size": 10}


class ServeError(DagbokError):
    """Datasette cannot be started as asked."""


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def load_metadata(db_path: Path, *, metadata_path: Traversable = METADATA_PATH) -> dict[str, Any]:
    """metadata.yml with its `dagbok` database entry renamed for `db_path`.

    Facets naming a column the served database lacks (an archive made by an older
    dagbok, say) are dropped, since Datasette would fail the whole page for them.
    """
    # Datasette is imported only when serving: it takes longer to import than a query runs.
    from datasette.utils import BadMetadataError, parse_metadata

    try:
        metadata = parse_metadata(metadata_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServeError(f"no Datasette metadata at {metadata_path}; reinstall dagbok") from None
    except BadMetadataError as error:
        raise ServeError(f"{metadata_path}: {error}; fix the file") from None
    metadata = copy.deepcopy(metadata)
    databases = metadata.get("databases", {})
    name = database_name(db_path)
    if METADATA_DATABASE in databases and name != METADATA_DATABASE:
        databases[name] = databases.pop(METADATA_DATABASE)
    entry = databases.get(name)
    if entry:
        _drop_missing_facets(entry, db_path)
    return metadata


def _drop_missing_facets(entry: dict[str, Any], db_path: Path) -> None:
    conn = connect_read_only(Path(db_path))
    try:
        for table, config in entry.get("tables", {}).items():
            columns = {row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", [table])}
            if "facets" in config and columns:
                config["facets"] = [
                    facet for facet in config["facets"]
                    if (facet if isinstance(facet, str) else next(iter(facet.values()))) in columns
                ]
    finally:
        conn.close()


def fold_wal(db_path: Path) -> None:
    """Copy committed pages from a `-wal` file into the database file.

    Datasette opens the file as immutable, which reads the main file only: pages still
    in the write-ahead log (a crawl that was killed, or a reader left open) would be missing.
    """
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        conn = sqlite3.connect(db_path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def build_datasette(db_path: Path, *, metadata_path: Traversable = METADATA_PATH):
    """A Datasette instance serving `db_path` immutable, with the archive's metadata."""
    from datasette.app import Datasette

    db_path = Path(db_path)
    conn = connect_archive(db_path)  # what `query` refuses (missing, foreign, unfinished, damaged) is refused here
    try:
        check_pages(conn, db_path)
    finally:
        conn.close()
    if writable(db_path):  # on read-only media there is nothing to fold, and nothing could be
        with storage_errors(db_path):
            fold_wal(db_path)
    return Datasette(
        immutables=[str(db_path)],
        metadata=load_metadata(db_path, metadata_path=metadata_path),
        settings=SETTINGS,
    )


def bind(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> socket.socket:
    """A listening socket on host:port; port 0 takes a free one."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except socket.gaierror:
        raise ServeError(f'cannot listen on host "{host}": no such address; use e.g. 127.0.0.1') from None
    except OSError as error:
        raise ServeError(
            f"cannot listen on {host}:{port} ({error.strerror}); choose another --port (0 takes a free one)"
        ) from None
    return sock


@dataclass
class Server:
    """A Datasette app and the socket it will answer on; `url` is known before `run()`."""

    datasette: Any
    sock: socket.socket

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    @property
    def exposed(self) -> bool:
        """Listening beyond this machine (not a loopback address): anyone who reaches it can read the archive."""
        host = self.sock.getsockname()[0]
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:
            return True

    def run(self, *, log_level: str = "warning") -> None:
        """Serve until interrupted (SIGINT/SIGTERM stop it cleanly)."""
        import uvicorn

        config = uvicorn.Config(self.datasette.app(), log_level=log_level, lifespan="on", workers=1)
        server = uvicorn.Server(config)

        def stop(*_: object) -> None:
            server.should_exit = True

        # uvicorn shuts down on SIGINT/SIGTERM, then raises the signal again for the handler it
        # found: this one, so a stop returns normally (exit 0, no "Aborted!"). It also covers a
        # signal that comes before uvicorn's own handlers are in place.
        stops = (signal.SIGINT, signal.SIGTERM)
        main = threading.current_thread() is threading.main_thread()
        previous = {sig: signal.signal(sig, stop) for sig in stops} if main else {}
        try:
            asyncio.run(self.datasette.invoke_startup())
            server.run(sockets=[self.sock])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def prepare_server(db_path: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   metadata_path: Traversable = METADATA_PATH) -> Server:
    """Build Datasette for `db_path` and bind its socket; call `.run()` to serve."""
    datasette = build_datasette(db_path, metadata_path=metadata_path)
    return Server(datasette=datasette, sock=bind(host, port))
