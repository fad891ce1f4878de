"""A fake allmannyttan.se for tests and `dagbok demo`: one ground truth, several unrelated markups.

    from scraper.sample_site import SampleSite, load_posts, MARKUPS

    with SampleSite(markup="legacy", faults=("rate-limit",), wayback=True) as site:
        site.url("/wp-json/wp/v2/posts")        # http://127.0.0.1:PORT/wp-json/wp/v2/posts
        site.fault_route("rate-limit")          # the path that answers 429 once
        site.wayback.latest_posts()             # [(SamplePost, WaybackCapture), ...]
        site.count("/feed/")                    # requests served for a path

The posts (scraper/data/sample_site/posts.json) are the ground truth every extraction
is checked against; the server is a real HTTP server on 127.0.0.1.
Modules: content (ground truth and fixed texts), server (routing, validators,
log), wordpress (API, feed, sitemaps, embeds, robots.txt), one renderer per
markup (semantic, bare, legacy, nested, pagebuilder), faults, wayback.
"""

from .content import SamplePost, date_line, load_posts, site_excerpt
from .faults import FAULTS, Fault
from .server import MARKUPS, RequestRecord, SampleSite, SampleSiteError
from .wayback import ORIGIN, ChangedTitle, Wayback, WaybackCapture

__all__ = ["FAULTS", "MARKUPS", "ORIGIN", "ChangedTitle", "Fault", "RequestRecord", "SamplePost", "SampleSite",
           "SampleSiteError", "Wayback", "WaybackCapture", "date_line", "load_posts", "site_excerpt"]
