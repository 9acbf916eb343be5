"""The ffmpeg binary from the imageio-ffmpeg wheel: encoding, decoding, measuring."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from bulletin.codec import ffmpeg_exe
from bulletin.errors import AudioError

if TYPE_CHECKING:
    import numpy as np

FLOAT_FORMAT = "f32le"
# The ffmpeg processes running now, so an interrupted build can stop them at once
# (re-entrant: the signal handler runs on the thread that may hold it).
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.RLock()
_stopped = threading.Event()


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


def _call(command: list[str], stdin: int | IO[bytes]) -> subprocess.CompletedProcess[bytes]:
    with _running_lock:
        if _stopped.is_set():
            raise AudioError("ffmpeg was not started: the build is being interrupted.")
        process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _running.add(process)
    try:
        with process:
            try:
                stdout, stderr = process.communicate()
            except BaseException:  # interrupted while waiting: ffmpeg goes too
                process.kill()
                raise
    finally:
        with _running_lock:
            _running.discard(process)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _run(args: list[str], what: str, loglevel: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", loglevel, *(["-nostdin"] if data is None else []), *args]
    if data is None:
        result = _call(command, subprocess.DEVNULL)
    else:
        # From a file, not through communicate(): it feeds a pipe 512 bytes at a time.
        with tempfile.TemporaryFile() as feed:
            feed.write(data)
            feed.seek(0)
            result = _call(command, feed)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise AudioError(f"ffmpeg could not {what}: {detail[-1] if detail else 'no message'}.")
    return result


def run_ffmpeg(args: list[str], *, what: str, data: bytes | None = None) -> bytes:
    """Run ffmpeg quietly (``data`` on its input); return its output or raise AudioError naming ``what``."""
    return _run(args, what, "error", data).stdout


def run_ffmpeg_stderr(args: list[str], *, what: str) -> str:
    """Run ffmpeg at info level and return what it logged (filters report there)."""
    return _run(args, what, "info").stderr.decode(errors="replace")


def decode(path: str | Path, sample_rate: int) -> np.ndarray:
    """Any audio file as mono float32 samples at ``sample_rate``."""
    import numpy as np

    raw = run_ffmpeg(
        ["-i", str(path), "-ac", "1", "-ar", str(sample_rate), "-f", FLOAT_FORMAT, "-"],
        what=f"decode {path}",
    )
    return np.frombuffer(raw, dtype=np.float32)
