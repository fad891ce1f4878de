"""Where dagbok's files are: the data shipped inside the package, and the user's archive.

The package's own data (the lab vocabulary, the Datasette metadata, the sample site's
posts and pages, all under `scraper/data/`) is read through `importlib.resources`, so it
is found the same way from a checkout, an editable install or an installed wheel. The
user's archive is not package data: it defaults to `data/` in the current directory.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

DEFAULT_DB = Path("data", "dagbok.db")
DEFAULT_DEMO_DB = Path("data", "demo", "dagbok.db")
DEFAULT_SITE = "https://www.allmannyttan.se/"


def data_path(*parts: str) -> Traversable:
    """Return a file of the package's data, e.g. `data_path("labs.toml")` (read it, never write it)."""
    path = files("scraper") / "data"
    for part in parts:
        path = path / part
    return path
