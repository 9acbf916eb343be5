"""The one table of content types: what ``bulletin serve`` answers with and what every
object in a bucket is given."""

from __future__ import annotations

from functools import cache

from bulletin.formats import FORMATS

TEXT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".m3u": "audio/x-mpegurl",
}
DEFAULT_TYPE = "application/octet-stream"


@cache
def content_types() -> dict[str, str]:
    """Suffix -> content type: every audio format's own (``.mp3``: ``audio/mpeg``), then the rest."""
    return {**{f.suffix: f.media_type for f in FORMATS}, **TEXT_TYPES}


def content_type(suffix: str) -> str:
    """The content type of a file with ``suffix`` (any case)."""
    return content_types().get(suffix.lower(), DEFAULT_TYPE)
