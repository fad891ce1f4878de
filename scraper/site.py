"""What counts as the site: the one check of a `--site` value and the one rule for "same site".

docs/site.md, "URLs": the site answers on `www.allmannyttan.se` and on the bare host,
and early captures may be `http://`: these are one site. So a URL is on the site when
its host is the site's host or its www twin, over http or https; a port written out
must be the same (the sample site and other local servers differ only by port).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .errors import DagbokError

DEFAULT_PORTS = {"http": 80, "https": 443}


class BadSite(DagbokError):
    """A --site value that is not an http(s) URL."""


def site_root(site: str) -> str:
    """`https://Example.se/any/path` → `https://example.se/`: a checked --site, in the form URLs are folded to."""
    parts = urlsplit(site.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise BadSite(f'site "{site}" is not an http(s) URL; give e.g. https://www.allmannyttan.se/')
    port = _port(site)
    netloc = parts.hostname.lower() + (f":{port}" if port is not None else "")
    return urlunsplit((scheme, netloc, "/", "", ""))


def www_twin(host: str) -> str:
    """`www.example.se` ↔ `example.se`: a site answers on both, so both count as its host."""
    return host[4:] if host.startswith("www.") else "www." + host


def same_site(url: str, site: str) -> bool:
    """`url` is on `site`: the same host or its www twin, http or https, the same port if one is written."""
    host = _host(url)
    return bool(host) and host.removeprefix("www.") == _host(site).removeprefix("www.") and _port(url) == _port(site)


def _host(url: str) -> str:
    return (urlsplit(url.strip()).hostname or "").lower()


def _port(url: str) -> int | None:
    """The port written in `url`, None when it is absent or the scheme's default (or not a number)."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    return None if port == DEFAULT_PORTS.get(parts.scheme.lower()) else port
