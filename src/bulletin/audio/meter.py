"""Measure a finished audio file with ffmpeg's EBU R128 meter: integrated
loudness, loudness range and true peak (BS.1770, 4x oversampled). It is a
different implementation from the one mastering uses, so it checks it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bulletin.audio.ffmpeg import run_ffmpeg_stderr
from bulletin.errors import AudioError

NUMBER = r"(-?[\d.]+|-inf)"
SUMMARY = {
    "integrated": re.compile(rf"Integrated loudness:\s+I:\s+{NUMBER} LUFS"),
    "loudness_range": re.compile(rf"Loudness range:\s+LRA:\s+{NUMBER} LU"),
    "true_peak": re.compile(rf"True peak:\s+Peak:\s+{NUMBER} dBFS"),
}


@dataclass(frozen=True)
class FileLoudness:
    """What ffmpeg's meter reads on a file."""

    integrated: float  # LUFS
    loudness_range: float  # LU
    true_peak: float  # dBTP
    duration: float  # seconds


def measure_file(path: Path) -> FileLoudness:
    """Loudness, range, true peak and duration of an audio file, as ffmpeg reads it."""
    log = run_ffmpeg_stderr(
        ["-nostats", "-i", str(path), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
        what=f"measure {path}",
    )
    values: dict[str, float] = {}
    for name, pattern in SUMMARY.items():
        m = pattern.search(log)
        if m is None:
            raise AudioError(f"ffmpeg's loudness meter gave no {name.replace('_', ' ')} for {path}.")
        values[name] = float(m.group(1))
    return FileLoudness(duration=mp3_duration(path), **values)


def mp3_duration(path: Path) -> float:
    """Seconds, from the MP3's own header (encoder delay and padding excluded)."""
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        return round(float(MP3(str(path)).info.length), 3)
    except HeaderNotFoundError:
        raise AudioError(f"{path} is not an MP3 file.") from None
