"""Measure a finished audio file with ffmpeg's EBU R128 meter (BS.1770, true peak 4x)."""

from __future__ import annotations

import re
from pathlib import Path

from bulletin.audio.ffmpeg import run_ffmpeg_stderr
from bulletin.audio.loudness import Loudness
from bulletin.errors import AudioError

SUMMARY = {
    "integrated": re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS"),
    "true_peak": re.compile(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS"),
}


def measure_file(path: Path) -> Loudness:
    """Integrated loudness, true peak and duration of an audio file, as ffmpeg reads it."""
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
    return Loudness(duration=_duration(path), **values)


def _duration(path: Path) -> float:
    from mutagen.mp3 import MP3

    return round(float(MP3(str(path)).info.length), 3)
