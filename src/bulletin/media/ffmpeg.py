"""The one ffmpeg runner: the binary from the imageio-ffmpeg wheel, for encoding,
decoding and measuring.

Every ffmpeg process is started here and tracked, so an interrupted run stops
them all at once (:func:`stop_all`). A leaf module: the speech engines (whose
online services answer with MP3), mastering, the formats and ``inspect`` all
use it, so none of them has to import another.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from bulletin.core.errors import AudioError

if TYPE_CHECKING:
    import numpy as np

Input = bytes | Iterable[bytes]  # what ffmpeg reads: bytes, or pieces of them in order

NO_SPACE = os.strerror(errno.ENOSPC).encode()  # "No space left on device", as ffmpeg reports it
FLOAT_FORMAT = "f32le"
INT16_FORMAT = "s16le"
# The ffmpeg processes running now, so an interrupted build can stop them at once
# (re-entrant: the signal handler runs on the thread that may hold it).
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.RLock()
_stopped = threading.Event()


@cache
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg (no system ffmpeg needed)."""
    import imageio_ffmpeg

    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise AudioError(
            f"ffmpeg not found ({exc}). Probable cause: no imageio-ffmpeg binary for this "
            "platform; install ffmpeg and set IMAGEIO_FFMPEG_EXE to its path."
        ) from None


@cache
def ffmpeg_identity() -> str:
    """Which ffmpeg build this is, without running it: its file name, size and date."""
    binary = Path(ffmpeg_exe())
    stat = binary.stat()
    return f"{binary.name}:{stat.st_size}:{int(stat.st_mtime)}"


def stop_all() -> None:
    """Kill every ffmpeg still running and start no more: the process is being interrupted."""
    with _running_lock:
        _stopped.set()
        for process in _running:
            process.kill()


def _command(args: list[str], loglevel: str) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-loglevel", loglevel, *args]


def spawn(
    args: list[str],
    *,
    loglevel: str = "error",
    stdin: int | IO[bytes] | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.PIPE,
) -> subprocess.Popen[bytes]:
    """Start ffmpeg with ``args``, tracked until :func:`reap` (so :func:`stop_all` reaches it)."""
    with _running_lock:
        if _stopped.is_set():
            raise AudioError("ffmpeg was not started: the build is being interrupted.")
        process = subprocess.Popen(_command(args, loglevel), stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
        _running.add(process)
    return process


def reap(process: subprocess.Popen[bytes]) -> None:
    """Forget a process :func:`spawn` started, once it has ended."""
    with _running_lock:
        _running.discard(process)


@contextmanager
def started(
    args: list[str], *, loglevel: str = "error", stdin: int | IO[bytes] | None = subprocess.DEVNULL
) -> Iterator[subprocess.Popen[bytes]]:
    """An ffmpeg process with ``args`` for the block, killed if the block fails."""
    process = spawn(args, loglevel=loglevel, stdin=stdin)
    try:
        with process:
            try:
                yield process
            except BaseException:  # interrupted or failed while it ran: ffmpeg goes too
                process.kill()
                raise
    finally:
        reap(process)


def _run(args: list[str], what: str, loglevel: str, data: Input | None = None) -> tuple[bytes, bytes]:
    if data is None:
        with started(["-nostdin", *args], loglevel=loglevel) as process:
            stdout, stderr = process.communicate()
    else:
        # From a file, not through communicate(): it feeds a pipe 512 bytes at a time. Pieces are
        # spooled one by one, so an hour of audio never sits in memory whole.
        with tempfile.TemporaryFile() as feed:
            feed.writelines([data] if isinstance(data, bytes) else data)
            feed.seek(0)
            with started(args, loglevel=loglevel, stdin=feed) as process:
                stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise failure(what, stderr)
    return stdout, stderr


def failure(what: str, stderr: bytes) -> AudioError | OSError:
    """The error for an ffmpeg that failed to ``what``, with the last line it said; a full disk is
    the machine's OSError (ENOSPC), as it is for any other write, not ffmpeg's own words."""
    if NO_SPACE in stderr:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    detail = stderr.decode(errors="replace").strip().splitlines()
    return AudioError(f"ffmpeg could not {what}: {detail[-1] if detail else 'no message'}.")


def run_ffmpeg(args: list[str], *, what: str, data: Input | None = None) -> bytes:
    """Run ffmpeg quietly (``data``, or its pieces in order, on its input); return its output or
    raise AudioError naming ``what``."""
    return _run(args, what, "error", data)[0]


def run_ffmpeg_stderr(args: list[str], *, what: str) -> str:
    """Run ffmpeg at info level and return what it logged (filters report there)."""
    return _run(args, what, "info")[1].decode(errors="replace")


def decode(path: str | Path, sample_rate: int) -> np.ndarray:
    """Any audio file as mono float32 samples at ``sample_rate``."""
    import numpy as np

    raw = run_ffmpeg(
        ["-i", str(path), "-ac", "1", "-ar", str(sample_rate), "-f", FLOAT_FORMAT, "-"], what=f"decode {path}"
    )
    return np.frombuffer(raw, dtype=np.float32)


def decode_bytes(data: bytes, sample_rate: int) -> np.ndarray:
    """Encoded audio (MP3, say) in memory to mono int16 samples at ``sample_rate``."""
    import numpy as np

    raw = run_ffmpeg(
        ["-i", "pipe:0", "-ac", "1", "-ar", str(sample_rate), "-f", INT16_FORMAT, "pipe:1"],
        what="decode audio",
        data=data,
    )
    return np.frombuffer(raw, dtype=np.int16)
