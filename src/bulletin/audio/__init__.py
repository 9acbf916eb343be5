"""Audio: per-segment clean-up, stitching, loudness mastering and MP3 export."""

from __future__ import annotations

from dataclasses import dataclass, field

from bulletin.audio.stitch import Gaps


@dataclass(frozen=True)
class AudioSettings:
    """What the audio stage needs from the configuration."""

    sample_rate: int = 44100
    bitrate: str = "96k"
    target_lufs: float = -16.0
    true_peak_ceiling: float = -1.0
    gaps: Gaps = field(default_factory=Gaps)
    silence_threshold_db: float = -50.0  # quieter than this at a segment's edges is cut
    keep_silence_ms: float = 20.0  # of the cut silence, this much stays for a natural onset


__all__ = ["AudioSettings", "Gaps"]
