"""Bodies that come gzip-compressed once more than HTTP said: a `.gz` sitemap, a cache plugin's page.

Decompression is bounded, so a small body cannot grow without end (a zip bomb).
"""

from __future__ import annotations

import zlib

GZIP_MAGIC = b"\x1f\x8b"  # the first bytes of every gzip stream


class CompressionError(ValueError):
    """A gzip body that is damaged, or that decompresses to more than it may."""


def gunzip(data: bytes, *, max_bytes: int) -> bytes:
    """`data` decompressed, at most `max_bytes` of it; `CompressionError` when it is damaged or larger."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, max_bytes)
    except zlib.error as error:
        raise CompressionError(f"not readable gzip ({error})") from None
    if decompressor.unconsumed_tail:
        raise CompressionError(f"decompresses to more than {max_bytes} bytes")
    return out
