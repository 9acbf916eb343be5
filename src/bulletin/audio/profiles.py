"""Loudness profiles: what a finished bulletin must measure, per destination.

The numbers are the destinations' published rules (see the README):
Apple Podcasts asks about -16 LUFS with true peak under -1 dBTP; Amazon's
Flash Briefing audio is -14 LUFS (from -19 to -9), true peak under -2 dBFS,
256 kbps MP3 of 10 s to 10 min; EBU R128 is -23 LUFS, true peak under -1 dBTP.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.errors import ConfigError

# The file must measure within this of the target (Apple: "about", EBU: ±1 LU).
LOUDNESS_TOLERANCE_LU = 1.0


@dataclass(frozen=True)
class Profile:
    """A loudness target, true-peak ceiling and file format (with the MP3 bitrate), with duration limits if any.

    Every profile is MP3 unless told otherwise; any profile may be written in
    any format (``bulletin build --format``, ``[audio] format``).
    """

    name: str
    loudness: float  # integrated, LUFS
    true_peak: float  # ceiling, dBTP
    bitrate: str  # CBR, e.g. "96k", when written as MP3
    description: str
    min_seconds: float | None = None
    max_seconds: float | None = None
    # LAME's -q. 5 is LAME's own default, good for speech at podcast bitrates
    # (ffmpeg's default, 3, costs 20% more time for nothing audible in speech);
    # 7 is faster still, and at 256 kbps the bits spare what it gives away.
    encoder_quality: int = 5
    format: str = "mp3"  # a name in bulletin.formats.FORMATS


ALEXA = "alexa"
PROFILES = {
    "podcast": Profile("podcast", -16.0, -1.0, "96k", "Apple Podcasts and most apps: -16 LUFS, -1 dBTP, 96 kbps"),
    "alexa": Profile("alexa", -14.0, -2.0, "256k", "Alexa Flash Briefing: -14 LUFS, -2 dBTP, 256 kbps, 10 s-10 min",
                     min_seconds=10.0, max_seconds=600.0, encoder_quality=7),
    "broadcast": Profile("broadcast", -23.0, -1.0, "192k", "EBU R128 broadcast: -23 LUFS, -1 dBTP, 192 kbps"),
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(f"unknown loudness profile {name!r}; choose one of: {', '.join(PROFILES)}.") from None
