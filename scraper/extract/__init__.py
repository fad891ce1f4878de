"""Extraction: a captured page read through layers, surest and cheapest first.

`parse_document` decodes and parses a capture once; `read_layers` reads it through
every layer once (a `Reading`); `extract_post` merges the structured, WordPress,
layout (and API) readings into a `Post`; `extract_teasers` reads the teasers of
other posts on a page as records of their own.
"""

from .document import Document, Line, parse_document
from .post import derive_excerpt, extract_post
from .reading import Reading, read_layers
from .teasers import extract_teasers

__all__ = ["Document", "Line", "Reading", "derive_excerpt", "extract_post", "extract_teasers", "parse_document",
           "read_layers"]
