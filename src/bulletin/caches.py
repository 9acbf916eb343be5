"""The cache folder: synthesised segments, rendered parts, fetched sources and
the encoder calibration, each in a place of its own."""

from __future__ import annotations

from pathlib import Path

from bulletin.audio.parts import PartStore
from bulletin.blobstore import BlobStore
from bulletin.tts.cache import SegmentCache

SEGMENTS, PARTS, HTTP, CALIBRATION = "segments", "parts", "http", "calibration.json"


def default_root() -> Path:
    """``$XDG_CACHE_HOME/bulletin`` (or the platform's equivalent)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("bulletin"))


def stores(root: Path) -> dict[str, BlobStore]:
    """The two content-addressed stores under ``root``, by name."""
    return {SEGMENTS: SegmentCache(root / SEGMENTS).store, PARTS: PartStore(root / PARTS).store}
