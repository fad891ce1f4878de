"""Every path into the project's `data/` folder is built here."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DB = DATA_DIR / "dagbok.db"
DEFAULT_WARC_DIR = DATA_DIR / "warc"
DEFAULT_SITE = "https://www.allmannyttan.se/"


def data_path(*parts: str) -> Path:
    """Return a path inside `data/`, e.g. `data_path("labs.toml")`."""
    return DATA_DIR.joinpath(*parts)
