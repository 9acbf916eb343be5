"""The QA report of a finished bulletin, and whether it meets its profile."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bulletin.audio.ffmpeg import decode
from bulletin.audio.loudness import integrated_loudness
from bulletin.audio.meter import FileLoudness
from bulletin.audio.profiles import LOUDNESS_TOLERANCE_LU, Profile
from bulletin.audio.stitch import Span

SILENCE_DB = -50.0
SILENCE_BLOCK_S = 0.01


@dataclass(frozen=True)
class QAReport:
    """Measurements of the encoded file against its profile."""

    profile: str
    target_lufs: float
    ceiling_dbtp: float
    integrated: float
    loudness_range: float
    true_peak: float
    duration: float
    longest_silence: float  # seconds
    segment_loudness: tuple[float | None, ...]  # LUFS per segment's speech; None if too short
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the file meets its profile."""
        return not self.problems

    @property
    def spread(self) -> float:
        """Loudest minus quietest segment, in LU."""
        measured = [x for x in self.segment_loudness if x is not None]
        return round(max(measured) - min(measured), 2) if measured else 0.0

    def to_dict(self) -> dict[str, Any]:
        """For the .qa.json file."""
        return {**asdict(self), "segment_loudness": list(self.segment_loudness), "problems": list(self.problems),
                "spread": self.spread, "passed": self.passed}


def longest_silence(samples: np.ndarray, rate: int) -> float:
    """The longest run of 10 ms blocks quieter than -50 dBFS, in seconds."""
    block = int(rate * SILENCE_BLOCK_S)
    count = len(samples) // block
    if count == 0:
        return 0.0
    rms = np.sqrt(np.mean(np.square(samples[: count * block].reshape(count, block), dtype=np.float64), axis=1))
    quiet = np.concatenate([[False], rms < 10 ** (SILENCE_DB / 20), [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    runs = edges[1::2] - edges[::2]
    return round(float(runs.max(initial=0)) * SILENCE_BLOCK_S, 2)


def problems_with(measured: FileLoudness, profile: Profile) -> list[str]:
    """Where the file misses its profile, in words."""
    out = []
    if abs(measured.integrated - profile.loudness) > LOUDNESS_TOLERANCE_LU:
        out.append(f"integrated loudness {measured.integrated:.1f} LUFS is outside "
                   f"{profile.loudness:g} ± {LOUDNESS_TOLERANCE_LU:g} LU")
    if measured.true_peak > profile.true_peak:
        out.append(f"true peak {measured.true_peak:.1f} dBTP is over the {profile.true_peak:g} dBTP ceiling")
    if profile.min_seconds is not None and measured.duration < profile.min_seconds:
        out.append(f"duration {measured.duration:.1f} s is under the {profile.name} minimum of {profile.min_seconds:g} s")
    if profile.max_seconds is not None and measured.duration > profile.max_seconds:
        out.append(f"duration {measured.duration:.1f} s is over the {profile.name} maximum of {profile.max_seconds:g} s")
    return out


def review(path: Path, measured: FileLoudness, profile: Profile, spans: Sequence[Span], rate: int) -> QAReport:
    """The full report: ffmpeg's measurements plus silence and per-segment loudness."""
    samples = decode(path, rate)
    per_segment = []
    for span in spans:
        value = integrated_loudness(samples[span.start: span.end], rate)
        per_segment.append(round(value, 2) if math.isfinite(value) else None)
    return QAReport(
        profile=profile.name,
        target_lufs=profile.loudness,
        ceiling_dbtp=profile.true_peak,
        integrated=measured.integrated,
        loudness_range=measured.loudness_range,
        true_peak=measured.true_peak,
        duration=measured.duration,
        longest_silence=longest_silence(samples, rate),
        segment_loudness=tuple(per_segment),
        problems=tuple(problems_with(measured, profile)),
    )
