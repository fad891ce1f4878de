"""A fake allmannyttan.se for tests and `dagbok demo`: one ground truth, several unrelated markups.

    from scraper.sample_site import SampleSite, load_posts, MARKUPS

The posts (data/sample_site/posts.json) are the ground truth every extraction
is checked against; the server is a real HTTP server on 127.0.0.1.
"""

from .content import SamplePost, date_line, load_posts, site_excerpt
from .faults import FAULTS, Fault
from .server import MARKUPS, RequestRecord, SampleSite, SampleSiteError

__all__ = ["FAULTS", "MARKUPS", "Fault", "RequestRecord", "SamplePost", "SampleSite", "SampleSiteError",
           "date_line", "load_posts", "site_excerpt"]
