"""Audio: per-segment clean-up, stitching, loudness mastering and MP3 export."""

from __future__ import annotations

from dataclasses import dataclass, field

from bulletin.audio.profiles import PROFILES, Profile
from bulletin.audio.stitch import Gaps


@dataclass(frozen=True)
class AudioSettings:
    """What the audio stage needs from the configuration."""

    sample_rate: int = 44100
    profile: Profile = PROFILES["podcast"]
    gaps: Gaps = field(default_factory=Gaps)
    silence_threshold_db: float = -50.0  # quieter than this at a segment's edges is cut
    keep_silence_ms: float = 20.0  # of the cut silence, this much stays for a natural onset
    sounder_level_lu: float = -3.0  # sounders against speech (music sounds louder than it meters)
    bed_level_lu: float = -10.0  # the intro bed against speech, before the voice comes in
    bed_duck_lu: float = -14.0  # and how much further down it goes under the voice


__all__ = ["AudioSettings", "Gaps", "Profile"]
