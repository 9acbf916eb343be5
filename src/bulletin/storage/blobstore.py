"""A content-addressed store of blobs with metadata, on disk or in memory.

Each entry is one file: a header naming the key it answers, the metadata as
JSON and the data, with a SHA-256 of key, metadata and data, so a truncated,
corrupted, copied or swapped entry is detected, removed and reported as
missing, never returned. Writes are atomic; reads touch the file's time, so
pruning removes what was used least recently. A folder that cannot be written
(full, read-only) is reported once and the store goes on in memory: a build
never fails for its cache.

A store may have a shared tier behind it (:mod:`bulletin.storage.shared`: a
bucket or a folder many machines use): a miss here is looked up there, and what
is put here is put there too. Entries from the shared tier are checked the same
way, so a damaged or foreign object there is reported, removed and made again.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import stat
import struct
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bulletin.core.jsontext import loads
from bulletin.storage.atomic import staged

log = logging.getLogger(__name__)

MAGIC_BYTES = 8
# magic, metadata length, layout, sha256 of the key, sha256 of key + metadata + data
HEADER = struct.Struct(f"<{MAGIC_BYTES}sII32s32s")
LAYOUT = 1  # 0: before entries named their key (read as absent, and replaced)
SECONDS_PER_DAY = 86400
# No entry is larger (a segment is split into pieces of under a minute; a part is one piece mastered):
# a bigger file under an entry's name is not read.
MAX_ENTRY_BYTES = 256 * 1024 * 1024
_reported: set[Path] = set()  # cache folders already reported unwritable: one warning per folder


def content_key(identity: Mapping[str, Any]) -> str:
    """The key of whatever ``identity`` (JSON-ready) describes: a SHA-256 of its canonical JSON."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True)
class StoreInfo:
    """Size and age of a store."""

    root: Path | None
    entries: int
    total_bytes: int
    oldest: float | None  # last use, seconds since the epoch
    newest: float | None


class _NotAFile(OSError):
    """A cache entry's name holds something else: a link, a FIFO, a device, a folder, or a giant."""


def _read_entry(path: Path) -> bytes:
    """An entry's bytes, read only from a regular file of sane size: a link is not followed (a link
    to /dev/zero would never end), a FIFO not waited on, a folder not read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _NotAFile("a symbolic link") from None
        if exc.errno == errno.ENXIO:  # a FIFO or socket with no writer, opened without blocking
            raise _NotAFile("a pipe or socket") from None
        raise
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise _NotAFile("a folder" if stat.S_ISDIR(status.st_mode) else "a device, pipe or socket")
        if status.st_size > MAX_ENTRY_BYTES:
            raise _NotAFile(f"{status.st_size} bytes, more than any entry ({MAX_ENTRY_BYTES})")
        with os.fdopen(os.dup(fd), "rb") as entry:
            return entry.read(status.st_size + 1)  # at most what fstat saw (and one byte to tell a grower)
    finally:
        os.close(fd)


def _discard(path: Path) -> None:
    """Remove what holds an entry's name, whatever it is: one bad entry never costs the whole cache."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot remove %s (%s); that entry is made again in memory each time.", path, exc)


class Shared(Protocol):
    """A tier of entries many machines share, by name (``ab/abcd….seg``); it never raises:
    one that fails reports it once and behaves as empty."""

    def __str__(self) -> str: ...

    def fetch_many(self, names: Sequence[str]) -> list[bytes | None]:
        """Each entry's bytes, or None where there is none."""
        ...

    def store(self, name: str, raw: bytes) -> None:
        """Put an entry (replacing one there)."""
        ...

    def discard(self, name: str) -> None:
        """Remove an entry that failed its check."""
        ...


class BlobStore:
    """Blobs under ``root`` (two hex digits of fan-out), or only in memory when ``root`` is None;
    with ``shared``, a tier many machines share behind it."""

    def __init__(self, root: Path | None, magic: bytes, suffix: str, shared: Shared | None = None) -> None:
        if len(magic) != MAGIC_BYTES:
            raise ValueError(f"magic must be {MAGIC_BYTES} bytes")
        self.root, self.magic, self.suffix, self.shared = root, magic, suffix, shared
        self._memory: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.hits = self.misses = self.repaired = 0
        self.shared_hits = self.shared_repaired = 0  # found in the shared tier; damaged there and removed
        self._not_shared: set[str] = set()  # keys the shared tier was asked for and lacked: not asked again

    def _name(self, key: str) -> str:
        return f"{key[:2]}/{key}{self.suffix}"

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / self._name(key)

    def get(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """(metadata, data) for ``key``; None when absent, damaged or another key's."""
        found = self._local(key)
        if found is None and self.shared is not None and key not in self._not_shared:
            found = self._from_shared([key])[0]
        self.hits, self.misses = self.hits + (found is not None), self.misses + (found is None)
        return found

    def _local(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        return self._memory.get(key) if self.root is None or key in self._memory else self._read(key)

    def prefetch(self, keys: Sequence[str]) -> None:
        """Bring the entries of ``keys`` this store lacks from the shared tier, side by side."""
        if self.shared is not None:
            self._from_shared([key for key in dict.fromkeys(keys) if self._local(key) is None])

    def _from_shared(self, keys: Sequence[str]) -> list[tuple[dict[str, Any], bytes] | None]:
        """Entries from the shared tier, checked, and kept here too; a damaged one is removed there."""
        assert self.shared is not None
        if not keys:
            return []
        found: list[tuple[dict[str, Any], bytes] | None] = []
        for key, raw in zip(keys, self.shared.fetch_many([self._name(k) for k in keys]), strict=True):
            entry, problem = self._decode(raw, key) if raw is not None else (None, "")
            if raw is not None and entry is None:
                log.warning(
                    "shared cache entry %s%s %s; it will be made again.",
                    self.shared,
                    self._name(key),
                    problem or "is of an older layout",
                )
                self.shared_repaired += 1
                self.shared.discard(self._name(key))
            elif raw is not None and entry is not None:
                self.shared_hits += 1
                self._keep(key, raw, entry)
            if entry is None:
                self._not_shared.add(key)
            found.append(entry)
        return found

    def _read(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        path = self._path(key)
        try:
            raw = _read_entry(path)
        except FileNotFoundError:
            return None
        except _NotAFile as exc:
            log.warning("cache entry %s is %s, not a file; it will be made again.", path.name, exc)
            self.repaired += 1
            _discard(path)
            return None
        except OSError as exc:  # unreadable: as good as absent
            self._report(exc)
            return None
        entry, problem = self._decode(raw, key)
        if entry is None:
            if problem:
                log.warning("cache entry %s %s; it will be made again.", path.name, problem)
                self.repaired += 1
            self._remove(path)
            return None
        with suppress(OSError):  # a read-only cache still answers; only pruning order suffers
            os.utime(path)
        return entry

    def put(self, key: str, meta: dict[str, Any], data: bytes) -> None:
        """Store ``data`` with ``meta`` under ``key`` (in memory if the folder cannot take it),
        and in the shared tier."""
        encoded = json.dumps(meta, separators=(",", ":")).encode()
        header = HEADER.pack(
            self.magic, len(encoded), LAYOUT, _key_digest(key), hashlib.sha256(key.encode() + encoded + data).digest()
        )
        raw = header + encoded + data
        self._keep(key, raw, (meta, data))
        if self.shared is not None:
            self.shared.store(self._name(key), raw)

    def _keep(self, key: str, raw: bytes, entry: tuple[dict[str, Any], bytes]) -> None:
        """Keep an entry here: its encoded bytes in the folder (in memory if the folder cannot take it)."""
        if self.root is None or self.root in _reported:
            self._memory[key] = entry
            return
        try:
            with staged([self._path(key)]) as (temp,):
                temp.write_bytes(raw)
        except OSError as exc:  # a full disk or a read-only folder: build on, without this cache
            self._report(exc)
            self._memory[key] = entry

    def _report(self, exc: OSError) -> None:
        assert self.root is not None
        if self.root.parent not in _reported:
            log.warning(
                "cannot use the cache at %s (%s); building without caching.", self.root.parent, exc.strerror or exc
            )
        _reported.update((self.root, self.root.parent))

    def _remove(self, path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            self._report(exc)

    def _decode(self, raw: bytes, key: str) -> tuple[tuple[dict[str, Any], bytes] | None, str]:
        """The entry, or None and what is wrong with it ("" for an entry of the old layout)."""
        if len(raw) < HEADER.size:
            return None, "was damaged"
        magic, meta_length, layout, key_digest, digest = HEADER.unpack_from(raw)
        if magic == self.magic and layout != LAYOUT:
            return None, ""
        body = raw[HEADER.size :]
        if magic != self.magic or meta_length > len(body):
            return None, "was damaged"
        if key_digest != _key_digest(key):
            return None, "holds another entry (copied or swapped)"
        if hashlib.sha256(key.encode() + body).digest() != digest:
            return None, "was damaged"
        try:
            meta = loads(body[:meta_length])
        except ValueError:
            return None, "was damaged"
        return (meta, body[meta_length:]), ""

    def _entries(self) -> list[tuple[Path, os.stat_result]]:
        """Every entry and its status (a link's own: never followed); one that vanishes meanwhile is skipped."""
        if self.root is None or not self.root.is_dir():
            return []
        found = []
        for path in self.root.glob(f"??/*{self.suffix}"):
            with suppress(FileNotFoundError):
                found.append((path, path.lstat()))
        return found

    def info(self) -> StoreInfo:
        """How many entries, how big, how recently used."""
        stats = [status for _, status in self._entries()]
        times = [s.st_mtime for s in stats]
        return StoreInfo(
            self.root, len(stats), sum(s.st_size for s in stats), min(times, default=None), max(times, default=None)
        )

    def prune(self, older_than_days: float | None = None, max_bytes: int | None = None) -> tuple[int, int]:
        """Remove entries unused for ``older_than_days``, then the least recently used
        until the store fits in ``max_bytes``. Returns (entries, bytes) removed."""
        entries = sorted(((s.st_mtime, s.st_size, p) for p, s in self._entries()), key=lambda e: e[0])
        cutoff = time.time() - older_than_days * SECONDS_PER_DAY if older_than_days is not None else None
        total = sum(size for _, size, _ in entries)
        removed = freed = 0
        for used, size, path in entries:
            if not ((cutoff is not None and used < cutoff) or (max_bytes is not None and total > max_bytes)):
                continue
            _discard(path)
            total -= size
            removed, freed = removed + 1, freed + size
        return removed, freed
