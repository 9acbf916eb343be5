"""The QA report of a finished bulletin, and whether it meets its profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bulletin.audio.profiles import LOUDNESS_TOLERANCE_LU, Profile
from bulletin.media.meter import FileLoudness


@dataclass(frozen=True)
class QAReport:
    """Measurements of the encoded file against its profile.

    Integrated loudness, loudness range, true peak and silence are measured on
    the file by ffmpeg; each segment's loudness on its mastered speech before
    encoding (what the encoder's level change is corrected for).
    """

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

    @property
    def measured(self) -> FileLoudness:
        """The file as the meter read it."""
        return FileLoudness(self.integrated, self.loudness_range, self.true_peak, self.duration, self.longest_silence)

    def to_dict(self) -> dict[str, Any]:
        """For the .qa.json file."""
        return {
            **asdict(self),
            "segment_loudness": list(self.segment_loudness),
            "problems": list(self.problems),
            "spread": self.spread,
            "passed": self.passed,
        }


def problems_with(measured: FileLoudness, profile: Profile) -> list[str]:
    """Where the file misses its profile, in words."""
    out = []
    if abs(measured.integrated - profile.loudness) > LOUDNESS_TOLERANCE_LU:
        out.append(
            f"integrated loudness {measured.integrated:.1f} LUFS is outside "
            f"{profile.loudness:g} ± {LOUDNESS_TOLERANCE_LU:g} LU"
        )
    if measured.true_peak > profile.true_peak:
        out.append(f"true peak {measured.true_peak:.1f} dBTP is over the {profile.true_peak:g} dBTP ceiling")
    if profile.min_seconds is not None and measured.duration < profile.min_seconds:
        out.append(
            f"duration {measured.duration:.1f} s is under the {profile.name} minimum of {profile.min_seconds:g} s"
        )
    if profile.max_seconds is not None and measured.duration > profile.max_seconds:
        out.append(
            f"duration {measured.duration:.1f} s is over the {profile.name} maximum of {profile.max_seconds:g} s"
        )
    return out


def review(measured: FileLoudness, profile: Profile, segment_loudness: Sequence[float | None]) -> QAReport:
    """The report for a file ffmpeg has measured."""
    return QAReport(
        profile=profile.name,
        target_lufs=profile.loudness,
        ceiling_dbtp=profile.true_peak,
        integrated=measured.integrated,
        loudness_range=measured.loudness_range,
        true_peak=measured.true_peak,
        duration=measured.duration,
        longest_silence=measured.longest_silence,
        segment_loudness=tuple(segment_loudness),
        problems=tuple(problems_with(measured, profile)),
    )
