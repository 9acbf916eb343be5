"""A content-addressed store of blobs with metadata, on disk or in memory.

Each entry is one file: a header, the metadata as JSON and the data, with a
SHA-256 of both, so a truncated or corrupted entry is detected, removed and
reported as missing, never returned. Writes are atomic; reads touch the
file's time, so pruning removes what was used least recently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import time
from dataclasses import dataclass
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bulletin.fsutil import staged

log = logging.getLogger(__name__)

MAGIC_BYTES = 8
HEADER = struct.Struct(f"<{MAGIC_BYTES}sII32s")  # magic, metadata length, reserved, sha256 of metadata + data
SECONDS_PER_DAY = 86400


def content_key(identity: Mapping[str, Any]) -> str:
    """The key of whatever ``identity`` (JSON-ready) describes: a SHA-256 of its canonical JSON."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class StoreInfo:
    """Size and age of a store."""

    root: Path | None
    entries: int
    total_bytes: int
    oldest: float | None  # last use, seconds since the epoch
    newest: float | None


class BlobStore:
    """Blobs under ``root`` (two hex digits of fan-out), or only in memory when ``root`` is None."""

    def __init__(self, root: Path | None, magic: bytes, suffix: str) -> None:
        if len(magic) != MAGIC_BYTES:
            raise ValueError(f"magic must be {MAGIC_BYTES} bytes")
        self.root, self.magic, self.suffix = root, magic, suffix
        self._memory: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.hits = self.misses = self.repaired = 0

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / f"{key}{self.suffix}"

    def get(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """(metadata, data) for ``key``; None when absent or damaged."""
        if self.root is None:
            found = self._memory.get(key)
            self.hits, self.misses = self.hits + (found is not None), self.misses + (found is None)
            return found
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        entry = self._decode(raw)
        if entry is None:
            log.warning("cache entry %s was damaged; it will be made again.", path.name)
            path.unlink(missing_ok=True)
            self.repaired += 1
            self.misses += 1
            return None
        os.utime(path)
        self.hits += 1
        return entry

    def put(self, key: str, meta: dict[str, Any], data: bytes) -> None:
        """Store ``data`` with ``meta`` under ``key``."""
        if self.root is None:
            self._memory[key] = (meta, data)
            return
        encoded = json.dumps(meta, separators=(",", ":")).encode()
        header = HEADER.pack(self.magic, len(encoded), 0, hashlib.sha256(encoded + data).digest())
        with staged([self._path(key)]) as (temp,):
            temp.write_bytes(header + encoded + data)

    def _decode(self, raw: bytes) -> tuple[dict[str, Any], bytes] | None:
        if len(raw) < HEADER.size:
            return None
        magic, meta_length, _, digest = HEADER.unpack_from(raw)
        body = raw[HEADER.size:]
        if magic != self.magic or meta_length > len(body) or hashlib.sha256(body).digest() != digest:
            return None
        try:
            meta = json.loads(body[:meta_length])
        except ValueError:
            return None
        return meta, body[meta_length:]

    def _entries(self) -> list[Path]:
        if self.root is None or not self.root.is_dir():
            return []
        return list(self.root.glob(f"??/*{self.suffix}"))

    def info(self) -> StoreInfo:
        """How many entries, how big, how recently used."""
        stats = [p.stat() for p in self._entries()]
        times = [s.st_mtime for s in stats]
        return StoreInfo(self.root, len(stats), sum(s.st_size for s in stats),
                         min(times, default=None), max(times, default=None))

    def prune(self, older_than_days: float | None = None, max_bytes: int | None = None) -> tuple[int, int]:
        """Remove entries unused for ``older_than_days``, then the least recently used
        until the store fits in ``max_bytes``. Returns (entries, bytes) removed."""
        entries = sorted(((s.st_mtime, s.st_size, p) for p in self._entries() for s in [p.stat()]),
                         key=lambda e: e[0])
        cutoff = time.time() - older_than_days * SECONDS_PER_DAY if older_than_days is not None else None
        total = sum(size for _, size, _ in entries)
        removed = freed = 0
        for used, size, path in entries:
            if not ((cutoff is not None and used < cutoff) or (max_bytes is not None and total > max_bytes)):
                continue
            path.unlink(missing_ok=True)
            total -= size
            removed, freed = removed + 1, freed + size
        return removed, freed
