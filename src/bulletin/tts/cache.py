"""A content-addressed cache of synthesised segments.

The key is a hash of everything that changes the sound: engine, engine
version, every voice setting and the prepared text (never the text alone,
or a changed voice would replay the old one). Entries are checked on reading
(see :mod:`bulletin.storage.blobstore`): a damaged one is made again, never used.
With a shared tier behind it, segments one machine spoke serve every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bulletin.core.model import Mark, Speech
from bulletin.storage.blobstore import BlobStore, Shared, StoreInfo, content_key
from bulletin.tts.base import Engine

FORMAT_VERSION = 3
MAGIC = b"BLTNSEG3"
SUFFIX = ".seg"


def segment_key(engine: Engine, text: str) -> str:
    """The cache key of ``text`` spoken by ``engine`` as configured."""
    return content_key(
        {
            "format": FORMAT_VERSION,
            "engine": engine.name,
            "version": engine.version,
            "settings": dict(engine.settings),
            "text": text,
        }
    )


class SegmentCache:
    """Speech on disk (or in memory, with ``root`` None), with an optional shared tier behind it."""

    def __init__(self, root: Path | None, shared: Shared | None = None) -> None:
        self.store = BlobStore(root, MAGIC, SUFFIX, shared)

    @property
    def root(self) -> Path | None:
        """Where the segments are kept."""
        return self.store.root

    @property
    def repaired(self) -> int:
        """Damaged entries found (and removed) so far."""
        return self.store.repaired

    def prefetch(self, keys: Sequence[str]) -> None:
        """Bring what the shared tier has of ``keys`` here, side by side (before they are read one by one)."""
        self.store.prefetch(keys)

    def get(self, key: str) -> Speech | None:
        """The cached speech for ``key``; ``None`` when absent or damaged."""
        found = self.store.get(key)
        if found is None:
            return None
        import numpy as np

        meta, data = found
        samples = np.frombuffer(data, dtype="<i2").astype(np.int16)
        return Speech(samples, int(meta["rate"]), Mark.unpack(meta["marks"]))

    def put(self, key: str, speech: Speech) -> None:
        """Store ``speech`` under ``key``."""
        import numpy as np

        meta = {"rate": speech.sample_rate, "marks": Mark.pack(speech.marks)}
        self.store.put(key, meta, np.ascontiguousarray(speech.samples, dtype="<i2").tobytes())

    def info(self) -> StoreInfo:
        """Size and age of the cache."""
        return self.store.info()

    def prune(self, older_than_days: float | None = None, max_bytes: int | None = None) -> tuple[int, int]:
        """See :meth:`BlobStore.prune`."""
        return self.store.prune(older_than_days, max_bytes)
