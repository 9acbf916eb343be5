"""One kind of lock: a hidden lock file, held with ``flock`` for as long as a block
runs, that says who holds it and is removed when the block ends.

A second run that wants the same lock stops at once (LockedError) instead of
waiting; a lock file a killed run left behind is not held by anyone, so the
next run simply takes it (and :mod:`bulletin.storage.sweep` removes stray ones).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path

from bulletin.core.errors import LockedError
from bulletin.storage.atomic import FILE_MODE

LOCK_SUFFIX = ".build-lock"  # a bulletin's name lock: .<name>.build-lock beside it
HOLDER_BYTES = 200  # a holder's note is short: "pid 4242"


def try_lock(fd: int) -> bool:
    """Take the lock on an open file without waiting; False when another holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except FileNotFoundError:
        return False


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, HOLDER_BYTES, 0).decode(errors="replace").strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def hold(path: Path, busy: Callable[[str], str]) -> Iterator[None]:
    """Hold the lock file ``path`` for the block, or raise LockedError with ``busy(holder)``
    at once (``holder``: what the holding run wrote, e.g. "pid 4242"). Folders made for the
    lock file are removed again when the block ends, if nothing else lives there."""
    created = [p for p in path.parents if not p.exists()]
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except FileNotFoundError:
            continue  # the folder was removed between the two steps
        if not try_lock(fd):
            holder = _holder(fd)
            os.close(fd)
            raise LockedError(busy(holder))
        if same_file(fd, path):
            break
        os.close(fd)  # its holder removed the file before we had it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        with suppress(OSError):  # a lock file left here is swept by a later run
            path.unlink(missing_ok=True)  # while still held, so nobody locks a file about to go
        os.close(fd)
        for folder in created:  # deepest first; a failed run leaves no empty folders
            with suppress(OSError):  # not empty: a bulletin (or another build's lock) lives there now
                folder.rmdir()


def name_lock_path(target: Path) -> Path:
    """The lock file of ``target``'s name: a hidden ``.<name>.build-lock`` beside it."""
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


def name_lock(target: Path, busy: str) -> AbstractContextManager[None]:
    """Hold the lock on ``target``'s name for the block, or raise LockedError with ``busy``."""
    return hold(name_lock_path(target), lambda _holder: busy)
