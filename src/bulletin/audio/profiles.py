"""Loudness profiles: what a finished bulletin must measure, per destination.

The numbers are the destinations' published rules (see the README):
Apple Podcasts asks about -16 LUFS with true peak under -1 dBTP; Amazon's
Flash Briefing audio is -14 LUFS (from -19 to -9), true peak under -2 dBFS,
256 kbps MP3 of 10 s to 10 min; EBU R128 is -23 LUFS, true peak under -1 dBTP.
A profile says nothing about the file format: any profile may be written in
any format (``[audio] format``); a lossy format encodes at the profile's
``min_kbps`` or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.registry import Needs, Registry

# The file must measure within this of the target (Apple: "about", EBU: ±1 LU).
LOUDNESS_TOLERANCE_LU = 1.0


@dataclass(frozen=True)
class Profile:
    """A loudness target and true-peak ceiling, with duration and bitrate limits if any."""

    name: str
    loudness: float  # integrated, LUFS
    true_peak: float  # ceiling, dBTP
    description: str
    min_seconds: float | None = None
    max_seconds: float | None = None
    min_kbps: int = 0  # what a lossy format encodes at, at least (0: the format's own setting)
    needs: Needs = Needs()


PODCAST = Profile("podcast", -16.0, -1.0, "Apple Podcasts and most apps: -16 LUFS, -1 dBTP")
ALEXA = Profile(
    "alexa",
    -14.0,
    -2.0,
    "Alexa Flash Briefing: -14 LUFS, -2 dBTP, 256 kbps, 10 s-10 min",
    min_seconds=10.0,
    max_seconds=600.0,
    min_kbps=256,
)
BROADCAST = Profile(
    "broadcast", -23.0, -1.0, "EBU R128 broadcast: -23 LUFS, -1 dBTP; lossy copies at 192 kbps", min_kbps=192
)

PROFILES: Registry[Profile] = Registry(
    "loudness profile",
    "bulletin.profiles",
    {"podcast": f"{__name__}:PODCAST", "alexa": f"{__name__}:ALEXA", "broadcast": f"{__name__}:BROADCAST"},
    lambda entry: isinstance(entry, Profile),
)
