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
# Names whose last suffix is not the whole story: Podcast Index chapters are JSON of their own type.
CHAPTERS_SUFFIX = ".chapters.json"
CHAPTERS_TYPE = "application/json+chapters"
COMPOUND_TYPES = {CHAPTERS_SUFFIX: CHAPTERS_TYPE}


@cache
def content_types() -> dict[str, str]:
    """Suffix -> content type: every audio format's own (``.mp3``: ``audio/mpeg``), then the rest."""
    return {**{f.suffix: f.media_type for f in FORMATS}, **TEXT_TYPES}


def content_type(name: str) -> str:
    """The content type of the file called ``name`` (or of a bare suffix such as ``.mp3``), any case."""
    lowered = name.lower()
    compound = next((kind for suffix, kind in COMPOUND_TYPES.items() if lowered.endswith(suffix)), None)
    return compound or content_types().get("." + lowered.rsplit(".", 1)[-1], DEFAULT_TYPE)
