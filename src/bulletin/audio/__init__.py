"""Audio: per-segment clean-up, stitching, sounders, loudness mastering, and the parts a
bulletin's files are joined from (in any registered format)."""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.model import SegmentKind
from bulletin.core.pcm import SILENCE_THRESHOLD_DB


@dataclass(frozen=True)
class Gaps:
    """Silence between segments, in milliseconds (the first three from ``[audio]``)."""

    between_ms: int
    after_intro_ms: int
    before_outro_ms: int
    after_sting_ms: int = 300  # between a sting and the voice
    around_sounder_ms: int = 250  # on each side of the sounder between stories

    def after(self, kind: SegmentKind, following: SegmentKind) -> int:
        """The pause between a segment of ``kind`` and the one ``following`` it."""
        if kind is SegmentKind.INTRO:
            return self.after_intro_ms
        if following is SegmentKind.OUTRO:
            return self.before_outro_ms
        return self.between_ms


@dataclass(frozen=True)
class AudioSettings:
    """What the audio stage needs from the configuration (``config.audio_settings``)."""

    sample_rate: int  # of the bulletin's main format
    gaps: Gaps
    sounder_level_lu: float  # sounders against speech (music sounds louder than it meters)
    silence_threshold_db: float = SILENCE_THRESHOLD_DB  # quieter than this at a segment's edges is cut
    keep_silence_ms: float = 20.0  # of the cut silence, this much stays for a natural onset
    bed_level_lu: float = -10.0  # the intro bed against speech, before the voice comes in
    bed_duck_lu: float = -14.0  # and how much further down it goes under the voice


__all__ = ["AudioSettings", "Gaps"]
