"""Files appear whole or not at all: write to a temporary name, then rename.

Temporary names carry the writer's process id (``.<target>.<pid>-<random><suffix>``),
so that any later run can tell what a killed run left behind (:mod:`bulletin.storage.sweep`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

TEMP_SUFFIX = ".part"  # a file being written
BUILDING_SUFFIX = ".building"  # a folder being written, or the one it replaced, being removed
RETIRED_SUFFIX = ".old"  # a folder moved aside to make room for its replacement (no atomic exchange)
GONE_SUFFIX = ".gone"  # a folder being removed
FILE_MODE = 0o666  # before the umask, as open() would create it
DIR_MODE = 0o777
TEMP_NAME = re.compile(
    r"^\.(?P<target>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+"
    rf"(?P<suffix>{'|'.join(re.escape(s) for s in (TEMP_SUFFIX, BUILDING_SUFFIX, RETIRED_SUFFIX, GONE_SUFFIX))})$"
)
# renameat2(2) with RENAME_EXCHANGE swaps two paths in one step (Linux 3.15+; not every file system).
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def staged(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each target.

    When the block succeeds every temporary file is renamed onto its target
    (an atomic step on one file system); when it fails they are removed, as
    are folders this call created, so a crash leaves nothing half-written.
    A temporary file the block deletes is left out: its target is not touched.
    """
    created: list[Path] = []
    for parent in {t.parent for t in targets}:
        missing = [p for p in (parent, *parent.parents) if not p.exists()]
        parent.mkdir(parents=True, exist_ok=True)
        created.extend(missing)
    temps: list[Path] = []
    try:
        for target in targets:
            try:
                fd, name = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=TEMP_SUFFIX)
            except OSError as exc:  # name what the user asked for, not our temporary name
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            os.close(fd)
            temps.append(Path(name))
        yield temps
        # mkstemp makes private files; published files must be readable like any other.
        mode = FILE_MODE & ~_umask()
        for temp, target in zip(temps, targets, strict=True):
            if temp.exists():
                os.chmod(temp, mode)
                os.replace(temp, target)
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
            with suppress(OSError):  # not empty: something else lives there now
                folder.rmdir()
        raise


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with staged([path]) as (temp,):
        temp.write_text(text, encoding="utf-8")


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield a private temporary folder beside ``target``.

    When the block succeeds the folder takes ``target``'s place in one atomic step,
    replacing a folder already there (whose files are then removed); when it fails it
    is removed. A reader sees the old folder or the new one, never a mix.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=_prefix(target), suffix=BUILDING_SUFFIX))
    try:
        yield temp
        mask = _umask()
        for path in temp.iterdir():
            os.chmod(path, FILE_MODE & ~mask)
        os.chmod(temp, DIR_MODE & ~mask)  # mkdtemp makes a private folder; published ones are readable
        _put_in_place(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system or file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _put_in_place(temp: Path, target: Path) -> None:
    try:
        os.rename(temp, target)  # nothing there yet (or an empty folder)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(temp, target):
        shutil.rmtree(temp)  # now the replaced folder; a kill here leaves it to sweep()
        return
    # Without an exchange there is a moment with no folder at all; sweep() puts the old one
    # back if a kill lands there.
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=_prefix(target), suffix=RETIRED_SUFFIX))
    os.rename(target, aside)
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(aside, target)  # the old one back
        raise
    shutil.rmtree(aside)


def replace_folder(source: Path, target: Path) -> None:
    """Put the folder ``source`` (on the same file system) in ``target``'s place in one step,
    replacing the folder there: a reader of ``target`` sees the old folder or the new one."""
    temp = target.with_name(f"{_prefix(target)}{os.urandom(4).hex()}{BUILDING_SUFFIX}")
    os.rename(source, temp)  # beside its target first: from here a kill leaves what sweep() cleans
    moved = os.stat(temp).st_ino
    try:
        _put_in_place(temp, target)
    except BaseException:
        with suppress(OSError):
            if os.stat(temp).st_ino == moved:  # not put in place: back where it was, nothing lost
                os.rename(temp, source)
        raise


def remove_folder(folder: Path) -> None:
    """Remove a folder in one visible step: renamed to a temporary name, then emptied."""
    gone = folder.with_name(f"{_prefix(folder)}{os.urandom(4).hex()}{GONE_SUFFIX}")
    os.rename(folder, gone)
    shutil.rmtree(gone)


def link_or_copy(source: Path, dest: Path) -> None:
    """``dest`` as a second name of ``source``: a hard link (no second copy on disk), or a copy
    where the file system has no links."""
    try:
        os.link(source, dest)
    except FileExistsError:
        raise
    except OSError:
        shutil.copyfile(source, dest)
