"""Shared tiers for :class:`~bulletin.storage.blobstore.BlobStore`: a bucket or a folder that
many machines use, so that what one machine made (a national story spoken in the network's
voice) is made once for all of them.

A shared tier never stops a build: when it cannot be used (unreachable, denied, full) it
says so once, in one line, and the build goes on with its local cache alone. Entries are
checked by the store on every read, so nothing here needs to be trusted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

from bulletin.core.errors import BulletinError
from bulletin.storage import bucket
from bulletin.storage.atomic import staged
from bulletin.storage.blobstore import Shared
from bulletin.storage.bucket import MISSING_KEY, S3Target, error_code, is_s3, parse_target, s3_errors

log = logging.getLogger(__name__)

FETCHERS = 8  # objects fetched side by side: a bulletin's segments arrive in one round trip or two
DOING = "use the shared cache at"
OBJECT_CACHE = "no-store"  # cache entries are not for CDNs: a remade entry must be read as remade


class SharedFolder:
    """Entries in a folder many machines mount (NFS, a network share)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._failed = False

    def __str__(self) -> str:
        return f"{self.root}/"

    def _fail(self, exc: OSError) -> None:
        if not self._failed:
            log.warning(
                "cannot use the shared cache at %s (%s); building on without it.", self.root, exc.strerror or exc
            )
        self._failed = True

    def fetch_many(self, names: Sequence[str]) -> list[bytes | None]:
        """Each entry's bytes, or None where there is none."""
        found: list[bytes | None] = []
        for name in names:
            raw = None
            if not self._failed:
                try:
                    raw = (self.root / name).read_bytes()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    self._fail(exc)
            found.append(raw)
        return found

    def store(self, name: str, raw: bytes) -> None:
        """Put an entry, whole or not at all."""
        if self._failed:
            return
        try:
            with staged([self.root / name]) as (temp,):
                temp.write_bytes(raw)
        except OSError as exc:
            self._fail(exc)

    def discard(self, name: str) -> None:
        """Remove an entry."""
        with suppress(OSError):
            (self.root / name).unlink(missing_ok=True)


class SharedBucket:
    """Entries as objects under a bucket's prefix (S3, R2, MinIO...), credentials from the AWS chain."""

    def __init__(self, target: S3Target) -> None:
        self.target = target
        self._client: Any = None
        self._failed = False
        self._lock = threading.Lock()
        self.requests = 0  # sent to the bucket, for the network bench

    def __str__(self) -> str:
        return str(self.target)

    def _call(self, operation: str, name: str, **extra: Any) -> Any:
        """One request; None once the bucket has failed (reported once), or for a missing key."""
        if self._failed:
            return None
        try:
            with s3_errors(self.target, DOING):
                with self._lock:
                    if self._client is None:
                        self._client = bucket.client(self.target, DOING)
                    self.requests += 1
                try:
                    return getattr(self._client, operation)(
                        Bucket=self.target.bucket, Key=self.target.key(name), **extra
                    )
                except Exception as exc:
                    if error_code(exc) in MISSING_KEY:
                        return None
                    raise
        except BulletinError as exc:
            with self._lock:
                if not self._failed:
                    log.warning("%s; building on without the shared cache.", str(exc).rstrip("."))
                self._failed = True
            return None

    def _fetch(self, name: str) -> bytes | None:
        answer = self._call("get_object", name)
        if answer is None:
            return None
        try:
            return bytes(answer["Body"].read())
        except Exception as exc:  # the connection dropped mid-body: as good as absent
            log.debug("reading %s%s failed: %s", self.target, name, exc)
            return None

    def fetch_many(self, names: Sequence[str]) -> list[bytes | None]:
        """Each entry's bytes, or None where there is none; side by side."""
        if len(names) <= 1:
            return [self._fetch(name) for name in names]
        with ThreadPoolExecutor(min(FETCHERS, len(names))) as pool:
            return list(pool.map(self._fetch, names))

    def store(self, name: str, raw: bytes) -> None:
        """Put an entry."""
        self._call("put_object", name, Body=raw, ContentType="application/octet-stream", CacheControl=OBJECT_CACHE)

    def discard(self, name: str) -> None:
        """Remove an entry."""
        self._call("delete_object", name)


def shared_tier(location: str, profile: str | None = None) -> Shared | None:
    """The shared tier at ``location`` (``s3://BUCKET/PREFIX/`` or a folder); None for ``""``."""
    if not location:
        return None
    if is_s3(location):
        return SharedBucket(parse_target(location, profile, "[cache] location"))
    return SharedFolder(Path(location))
