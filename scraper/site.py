"""What counts as the site: the one check of a `--site` value and the one rule for "same site" (and so for "same page").

docs/site.md, "URLs": the site answers on `www.allmannyttan.se` and on the bare host,
and early captures may be `http://`: these are one site. So a URL is on the site when
its host is the site's host or its www twin, over http or https; a port written out
must be the same (the sample site and other local servers differ only by port).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from .errors import DagbokError

DEFAULT_PORTS = {"http": 80, "https": 443}


class BadSite(DagbokError):
    """A --site value that is not an http(s) URL."""


@lru_cache(maxsize=64)
def site_root(site: str) -> str:
    """`https://Example.se/any/path` → `https://example.se/`: a checked --site, in the form URLs are folded to."""
    parts = urlsplit(site.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise BadSite(f'site "{site}" is not an http(s) URL; give e.g. https://www.allmannyttan.se/')
    port = _site_key(site)[1]
    netloc = parts.hostname.lower() + (f":{port}" if port is not None else "")
    return urlunsplit((scheme, netloc, "/", "", ""))


def www_twin(host: str) -> str:
    """`www.example.se` ↔ `example.se`: a site answers on both, so both count as its host."""
    return host[4:] if host.startswith("www.") else "www." + host


def same_site(url: str, site: str) -> bool:
    """`url` is on `site`: the same host or its www twin, http or https, the same port if one is written."""
    host, port = _site_key(url)
    return bool(host) and (host, port) == _site_key(site)


def same_page(url: str, page: str) -> bool:
    """`url` names the page at `page`: the same path (a trailing slash aside) on the site, in
    any of its forms, or with no host of its own (relative to the page)."""
    parts = urlsplit(url)
    return parts.path.rstrip("/") == urlsplit(page).path.rstrip("/") and (not parts.netloc or same_site(url, page))


@lru_cache(maxsize=256)  # asked for every link of every page; bounded: a crawl meets each post URL once or twice
def _site_key(url: str) -> tuple[str, int | None]:
    """(host without `www.`, port if written and not the scheme's default) of `url`."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    if port == DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return (parts.hostname or "").lower().removeprefix("www."), port
