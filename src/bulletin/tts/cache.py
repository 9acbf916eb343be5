"""A content-addressed cache of synthesised segments.

The key is a hash of everything that changes the sound: engine, engine
version, every voice setting and the prepared text (never the text alone,
or a changed voice would replay the old one). Each entry carries a SHA-256
of its samples, so a truncated or corrupted file is detected, removed and
made again rather than stitched into a bulletin.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bulletin.fsutil import staged
from bulletin.tts.base import Engine, Mark, Speech

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
MAGIC = b"BLTNSEG2"
# magic, sample rate, sample count, mark count, sha256 of samples and marks
HEADER = struct.Struct("<8sIQI32s")
MARK = np.dtype([("char", "<u4"), ("sample", "<u4")])
SUFFIX = ".seg"
SAMPLE_BYTES = 2  # int16


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/bulletin/segments`` (or the platform's equivalent)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("bulletin")) / "segments"


def segment_key(engine: Engine, text: str) -> str:
    """The cache key of ``text`` spoken by ``engine`` as configured."""
    identity = {
        "format": FORMAT_VERSION,
        "engine": engine.name,
        "version": engine.version,
        "settings": dict(engine.settings),
        "text": text,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    """What ``bulletin cache info`` reports."""

    root: Path
    entries: int
    total_bytes: int
    oldest: float | None  # last use, seconds since the epoch
    newest: float | None


class SegmentCache:
    """Segments on disk under ``root``, two hex digits of fan-out per folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0
        self.repaired = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def get(self, key: str) -> Speech | None:
        """The cached speech for ``key``; ``None`` when absent or damaged."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        speech = _decode(data)
        if speech is None:
            log.warning("cache entry %s was damaged; it will be made again.", path.name)
            path.unlink(missing_ok=True)
            self.repaired += 1
            self.misses += 1
            return None
        os.utime(path)  # last use, for pruning
        self.hits += 1
        return speech

    def put(self, key: str, speech: Speech) -> None:
        """Store ``speech`` under ``key`` (atomically)."""
        samples = np.ascontiguousarray(speech.samples, dtype="<i2").tobytes()
        marks = np.array([(m.char, m.sample) for m in speech.marks], dtype=MARK).tobytes()
        header = HEADER.pack(MAGIC, speech.sample_rate, len(samples) // SAMPLE_BYTES, len(speech.marks),
                             hashlib.sha256(samples + marks).digest())
        with staged([self._path(key)]) as (temp,):
            temp.write_bytes(header + samples + marks)

    def _entries(self) -> list[Path]:
        return list(self.root.glob(f"??/*{SUFFIX}")) if self.root.is_dir() else []

    def info(self) -> CacheInfo:
        """Size and age of the cache."""
        stats = [p.stat() for p in self._entries()]
        times = [s.st_mtime for s in stats]
        return CacheInfo(self.root, len(stats), sum(s.st_size for s in stats),
                         min(times, default=None), max(times, default=None))

    def prune(self, older_than_days: float | None = None, max_bytes: int | None = None) -> tuple[int, int]:
        """Remove entries unused for ``older_than_days``, then the least recently
        used until the cache fits in ``max_bytes``. Returns (entries, bytes) removed."""
        entries = sorted(((p.stat().st_mtime, p.stat().st_size, p) for p in self._entries()), key=lambda e: e[0])
        cutoff = time.time() - older_than_days * 86400 if older_than_days is not None else None
        total = sum(size for _, size, _ in entries)
        removed = freed = 0
        for used, size, path in entries:
            too_old = cutoff is not None and used < cutoff
            too_big = max_bytes is not None and total > max_bytes
            if not (too_old or too_big):
                continue
            path.unlink(missing_ok=True)
            total -= size
            removed, freed = removed + 1, freed + size
        return removed, freed


def _decode(data: bytes) -> Speech | None:
    if len(data) < HEADER.size:
        return None
    magic, rate, count, mark_count, digest = HEADER.unpack_from(data)
    body = data[HEADER.size:]
    split = count * SAMPLE_BYTES
    if magic != MAGIC or rate <= 0 or len(body) != split + mark_count * MARK.itemsize:
        return None
    if hashlib.sha256(body).digest() != digest:
        return None
    marks = tuple(Mark(int(c), int(s)) for c, s in np.frombuffer(body[split:], dtype=MARK))
    return Speech(np.frombuffer(body[:split], dtype="<i2").astype(np.int16), rate, marks)
