"""Extraction: a captured page read through layers, surest and cheapest first.

`parse_document` decodes and parses a capture once; `extract_post` merges the
structured, WordPress and layout layers into a `Post`; `extract_teasers` reads
the teasers of other posts on a page as records of their own.
"""

from .document import Document, Line, parse_document
from .post import derive_excerpt, extract_post
from .teasers import extract_teasers

__all__ = ["Document", "Line", "derive_excerpt", "extract_post", "extract_teasers", "parse_document"]
