"""Measure a finished audio file with ffmpeg, in one pass: its EBU R128 meter
(integrated loudness, loudness range, true peak 4x oversampled per BS.1770)
and its silence detector. It is a different implementation from the one
mastering uses, so it checks it."""

from __future__ import annotations

import queue
import re
import subprocess
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bulletin.core.errors import AudioError
from bulletin.core.pcm import SILENCE_THRESHOLD_DB
from bulletin.media.ffmpeg import failure, reap, run_ffmpeg_stderr, spawn

NUMBER = r"(-?[\d.]+|-inf)"
SUMMARY = {
    "integrated": re.compile(rf"Integrated loudness:\s+I:\s+{NUMBER} LUFS"),
    "loudness_range": re.compile(rf"Loudness range:\s+LRA:\s+{NUMBER} LU"),
    "true_peak": re.compile(rf"True peak:\s+Peak:\s+{NUMBER} dBFS"),
}
SILENCE_MIN_S = 0.1
SILENCE_START = re.compile(r"silence_start: (-?[\d.]+)")
SILENCE_DURATION = re.compile(r"silence_duration: ([\d.]+)")


@dataclass(frozen=True)
class FileLoudness:
    """What ffmpeg reads on a file."""

    integrated: float  # LUFS
    loudness_range: float  # LU
    true_peak: float  # dBTP
    duration: float  # seconds
    longest_silence: float = 0.0  # seconds under SILENCE_THRESHOLD_DB


FILTERS = f"ebur128=peak=true:framelog=quiet,silencedetect=noise={SILENCE_THRESHOLD_DB:g}dB:d={SILENCE_MIN_S}"


def measure_file(path: Path, duration: float) -> FileLoudness:
    """Loudness, range, true peak and longest silence of an audio file ``duration`` seconds long."""
    log = run_ffmpeg_stderr(["-nostats", "-i", str(path), "-af", FILTERS, "-f", "null", "-"], what=f"measure {path}")
    return _reading(log, duration, str(path))


class Meter(Protocol):
    """Measures one file for a build: fed its bytes in order while it is made (or not at all),
    read once it is written."""

    def feed(self, data: bytes) -> None:
        """The next stretch of the file."""
        ...

    def close(self) -> None:
        """Every byte has been fed: the meter may finish its reading while the file is written."""
        ...

    def finish(self, duration: float) -> FileLoudness:
        """The reading, once the file is whole; ``duration`` is the file's own."""
        ...

    def abort(self) -> None:
        """Stop without a reading (the build failed)."""
        ...


class FileMeter:
    """Measures the file at ``path`` once it is written: for formats whose bytes only exist
    when the parts are joined (an encoder with state, a container written at the end)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def feed(self, data: bytes) -> None:
        """Nothing to do: the file is read when it is finished."""

    def close(self) -> None:
        """Nothing to do: the file is read when it is finished."""

    def finish(self, duration: float) -> FileLoudness:
        """Measure the finished file."""
        return measure_file(self.path, duration)

    def abort(self) -> None:
        """Nothing runs until the file is finished."""


class StreamMeter:
    """Measures a file while it is still being made: its bytes are fed in order as
    they are ready, so the meter runs alongside the encoders instead of after them.
    ``input_args`` tell ffmpeg what the bytes are (``-f mp3``, or raw PCM's format)."""

    def __init__(self, label: str, input_args: list[str]) -> None:
        self.label = label
        self.process = spawn(
            ["-nostats", *input_args, "-i", "pipe:0", "-af", FILTERS, "-f", "null", "-"],
            loglevel="info",
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        self._chunks: queue.Queue[bytes | None] = queue.Queue()
        self._closed = False  # the end of the file has been put in the queue
        self._log: list[bytes] = []
        self._threads = [
            threading.Thread(target=self._write, daemon=True),
            threading.Thread(target=self._read_log, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        self._log.append(self.process.stderr.read())

    def _write(self) -> None:
        assert self.process.stdin is not None
        try:
            while (chunk := self._chunks.get()) is not None:
                self.process.stdin.write(chunk)
        except (BrokenPipeError, ValueError):
            pass  # ffmpeg stopped early (or was killed); finish() reports what it said
        finally:
            with suppress(BrokenPipeError):
                self.process.stdin.close()

    def feed(self, data: bytes) -> None:
        """The next stretch of the file."""
        self._chunks.put(data)

    def close(self) -> None:
        """No more bytes: ffmpeg reads to the end of what it has and prints its summary."""
        if not self._closed:
            self._closed = True
            self._chunks.put(None)

    def _end(self) -> None:
        self.process.wait()
        for thread in self._threads:
            thread.join()
        reap(self.process)

    def finish(self, duration: float) -> FileLoudness:
        """Wait for the meter and read it; ``duration`` is the file's own."""
        self.close()
        self._end()
        log = b"".join(self._log)
        if self.process.returncode != 0:
            raise failure(f"measure {self.label}", log)
        return _reading(log.decode(errors="replace"), duration, self.label)

    def abort(self) -> None:
        """Stop the meter without a reading (the build failed); no ffmpeg is left behind."""
        self.close()
        if self.process.poll() is None:
            self.process.kill()
        self._end()


def _reading(log: str, duration: float, label: str) -> FileLoudness:
    values: dict[str, float] = {}
    for name, pattern in SUMMARY.items():
        m = pattern.search(log)
        if m is None:
            raise AudioError(f"ffmpeg's loudness meter gave no {name.replace('_', ' ')} for {label}.")
        values[name] = float(m.group(1))
    silences = [float(d) for d in SILENCE_DURATION.findall(log)]
    starts = [float(s) for s in SILENCE_START.findall(log)]
    if len(starts) > len(silences):  # silence runs to the end of the file
        silences.append(duration - starts[-1])
    return FileLoudness(duration=duration, longest_silence=round(max(silences, default=0.0), 2), **values)


def duration_text(seconds: float, decimals: int = 1) -> str:
    """``m:ss.s`` (with ``decimals`` places), as a length is shown to people."""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:0{3 + decimals}.{decimals}f}"
