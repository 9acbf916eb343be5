"""Files appear whole or not at all: write to a temporary name, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".part"
FILE_MODE = 0o666  # before the umask, as open() would create it


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
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
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
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: something else lives there now
        raise


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with staged([path]) as (temp,):
        temp.write_text(text, encoding="utf-8")
