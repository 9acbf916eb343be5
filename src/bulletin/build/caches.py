"""The cache folder: synthesised segments, rendered parts, the measurements of
files joined from them, drawn covers, fetched sources and the encoder
calibration, each in a place of its own."""

from __future__ import annotations

from pathlib import Path

from bulletin.audio.parts import PartStore
from bulletin.audio.render import Verdicts
from bulletin.storage.blobstore import BlobStore
from bulletin.media.cover import Covers
from bulletin.tts.cache import SegmentCache

SEGMENTS, PARTS, HTTP, CALIBRATION, VERDICTS = "segments", "parts", "http", "calibration.json", "verdicts"
COVERS = "covers"


def default_root() -> Path:
    """``$XDG_CACHE_HOME/bulletin`` (or the platform's equivalent)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("bulletin"))


def stores(root: Path) -> dict[str, BlobStore]:
    """The content-addressed stores under ``root``, by name."""
    return {SEGMENTS: SegmentCache(root / SEGMENTS).store, PARTS: PartStore(root / PARTS).store,
            VERDICTS: Verdicts(root / VERDICTS).store, COVERS: Covers(root / COVERS).store}
