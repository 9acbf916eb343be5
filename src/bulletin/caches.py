"""The cache folder: synthesised segments, rendered parts, fetched sources and
the encoder calibration, each in a place of its own."""

from __future__ import annotations

from pathlib import Path

from bulletin.audio.parts import PART_MAGIC, PART_SUFFIX
from bulletin.blobstore import BlobStore
from bulletin.tts.cache import MAGIC as SEGMENT_MAGIC, SUFFIX as SEGMENT_SUFFIX

SEGMENTS, PARTS, HTTP, CALIBRATION = "segments", "parts", "http", "calibration.json"


def default_root() -> Path:
    """``$XDG_CACHE_HOME/bulletin`` (or the platform's equivalent)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("bulletin"))


def stores(root: Path) -> dict[str, BlobStore]:
    """The two content-addressed stores under ``root``, by name."""
    return {SEGMENTS: BlobStore(root / SEGMENTS, SEGMENT_MAGIC, SEGMENT_SUFFIX),
            PARTS: BlobStore(root / PARTS, PART_MAGIC, PART_SUFFIX)}
