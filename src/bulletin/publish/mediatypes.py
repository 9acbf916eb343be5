"""How a published file is served, in one place: its content type and how long it may be
cached; what ``bulletin serve`` answers with and what every object in a bucket is given."""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath

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

VERSION_DIGITS = 8  # of a versioned file's SHA-256 (see episode.versioned_name)
VERSIONED = re.compile(rf"^[^./][^./]*\.[0-9a-f]{{{VERSION_DIGITS}}}\.")  # <stem>.<version>.<suffix>
# A CDN shows a new bulletin within 5 minutes, and a correction too (a correction, or a rebuild
# in the same minute, replaces a bulletin's sidecars under the same names)...
MAX_AGE_S = 300
CACHE = f"public, max-age={MAX_AGE_S}"
# ...but a file under a versioned name never changes: a rebuild's audio has a name of its own,
# so CDNs and apps may keep it for good.
IMMUTABLE_AGE_S = 31_536_000  # a year, the most RFC 9111 caches are asked to honour
IMMUTABLE = f"public, max-age={IMMUTABLE_AGE_S}, immutable"


@cache
def content_types() -> dict[str, str]:
    """Suffix -> content type: every audio format's own (``.mp3``: ``audio/mpeg``), then the rest."""
    return {**{f.suffix: f.media_type for f in FORMATS}, **TEXT_TYPES}


def content_type(name: str) -> str:
    """The content type of the file called ``name`` (or of a bare suffix such as ``.mp3``), any case."""
    lowered = name.lower()
    compound = next((kind for suffix, kind in COMPOUND_TYPES.items() if lowered.endswith(suffix)), None)
    return compound or content_types().get("." + lowered.rsplit(".", 1)[-1], DEFAULT_TYPE)


def is_versioned(name: str) -> bool:
    """Whether a file (or key) name carries its content's version: its bytes never change."""
    return bool(VERSIONED.match(PurePosixPath(name).name))


def cache_control(name: str) -> str:
    """How long the file called ``name`` may be cached: for good if versioned, else 5 minutes."""
    return IMMUTABLE if is_versioned(name) else CACHE
