"""The stores of the cache folder, by name: their sizes, and pruning them (``bulletin cache``, ``daily``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bulletin.audio.parts import PartStore
from bulletin.audio.render import Verdicts
from bulletin.media.cover import Covers
from bulletin.storage.blobstore import BlobStore, StoreInfo
from bulletin.storage.cachedir import COVERS, PARTS, SEGMENTS, VERDICTS
from bulletin.tts.cache import SegmentCache


def stores(root: Path) -> dict[str, BlobStore]:
    """The content-addressed stores under ``root``, by name."""
    return {
        SEGMENTS: SegmentCache(root / SEGMENTS).store,
        PARTS: PartStore(root / PARTS).store,
        VERDICTS: Verdicts(root / VERDICTS).store,
        COVERS: Covers(root / COVERS).store,
    }


BYTES_PER_MB = 1_000_000


@dataclass(frozen=True)
class Pruned:
    """What pruning removed from one store."""

    store: str
    entries: int
    bytes: int


def report(root: Path) -> dict[str, StoreInfo]:
    """Each store's size and age, by name."""
    return {name: store.info() for name, store in stores(root).items()}


def prune(root: Path, older_than_days: float, max_mb: float | None = None) -> list[Pruned]:
    """Remove from every store what was not used for ``older_than_days`` (0: everything), then,
    with ``max_mb``, the least recently used until each store fits."""
    max_bytes = None if max_mb is None else int(max_mb * BYTES_PER_MB)
    return [
        Pruned(name, *store.prune(older_than_days=older_than_days, max_bytes=max_bytes))
        for name, store in stores(root).items()
    ]
