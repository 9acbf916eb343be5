"""Clearing up after killed runs: their temporary files and folders, and lock files
nobody holds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bulletin.storage.atomic import RETIRED_SUFFIX, TEMP_NAME
from bulletin.storage.locks import LOCK_SUFFIX, same_file, try_lock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep(root: Path, depth: int) -> list[Path]:
    """Remove what killed runs left in ``root`` and the folders ``depth`` levels below it:
    temporary files and folders of processes that no longer run, and unheld lock files.
    A folder moved aside for a replacement that never arrived is put back. Returns what
    was removed or put back."""
    found: list[Path] = []
    folders = [root] if root.is_dir() else []
    for _ in range(depth + 1):
        below: list[Path] = []
        for folder in folders:
            for entry in _entries(folder):
                if entry.name.startswith("."):
                    if _sweep_one(entry):
                        found.append(entry)
                elif entry.is_dir() and not entry.is_symlink():
                    below.append(entry)
        folders = below
    return found


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []  # gone meanwhile, or not ours to read


def _sweep_one(entry: Path) -> bool:
    temp = TEMP_NAME.match(entry.name)
    if temp:
        if _alive(int(temp["pid"])):
            return False
        target = entry.with_name(temp["target"])
        if temp["suffix"] == RETIRED_SUFFIX and not target.exists():
            os.rename(entry, target)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        return True
    if entry.name.endswith(LOCK_SUFFIX) and entry.is_file():
        try:
            fd = os.open(entry, os.O_RDWR)
        except OSError:
            return False
        try:
            if try_lock(fd) and same_file(fd, entry):
                entry.unlink()
                return True
        finally:
            os.close(fd)
    return False
