"""The version, read from the installed metadata (pyproject.toml is its one home)."""

from importlib.metadata import PackageNotFoundError, metadata, version


def dagbok_version() -> str:
    try:
        return version("dagbok")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def contact_url() -> str:
    """The project's home page, named in the User-Agent so site owners can reach us."""
    try:
        urls = metadata("dagbok").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "homepage":
            return url.strip()
    return "https://github.com/dagbok-archive/dagbok"


def user_agent() -> str:
    return f"dagbok/{dagbok_version()} (+{contact_url()})"
