"""The short names stored in the database for layers, sources and page kinds.

One place defines them so that the dataclass field, the column value and the
JSON key agree from the HTML all the way to the query output.
"""

from enum import StrEnum


class Layer(StrEnum):
    """Where a field's value came from. Which layer wins is decided per field in `extract/post.py`."""

    JSONLD = "jsonld"
    OPENGRAPH = "opengraph"
    TIME = "time"
    WORDPRESS = "wordpress"
    LAYOUT = "layout"
    TEASER = "teaser"
    API = "api"
    FEED = "feed"


class Source(StrEnum):
    """How a URL was discovered."""

    START = "start"
    API = "api"
    FEED = "feed"
    SITEMAP = "sitemap"
    LINKS = "links"
    TEASER = "teaser"
    WAYBACK = "wayback"


class PageKind(StrEnum):
    """What a fetched page is. Only `post` pages become rows of `posts`."""

    POST = "post"
    EMBED = "embed"
    LAB = "lab"
    PROGRAMME = "programme"
    LISTING = "listing"  # robots.txt, API pages, feeds, sitemaps, and the site's own HTML listings
    OTHER = "other"


GONE_STATUSES = (404, 410)  # HTTP answers that say a page is gone: the crawl stores them, the archive marks it gone
