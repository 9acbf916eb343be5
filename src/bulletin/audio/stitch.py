"""Per-segment clean-up: speech at the bulletin's rate, edges trimmed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bulletin.core.model import Mark, Speech
from bulletin.core.pcm import INT16_FULL_SCALE, MS_PER_S, loud_span

if TYPE_CHECKING:  # numpy loads when speech is stitched: a rebuild from stored parts needs none
    import numpy as np


@dataclass(frozen=True)
class Span:
    """Where a segment's speech sits in the stitched audio, in samples."""

    start: int
    end: int


@dataclass(frozen=True, eq=False)
class Clip:
    """Float samples at the bulletin's rate, with the speech's text marks moved along."""

    samples: np.ndarray
    marks: tuple[Mark, ...] = ()


def to_clip(speech: Speech, rate: int) -> Clip:
    """Speech as float32 samples in [-1, 1) at ``rate`` (band-limited resampling)."""
    import numpy as np

    from bulletin.audio.dsp import resample

    samples = speech.samples.astype(np.float32) / INT16_FULL_SCALE
    if speech.sample_rate == rate or len(samples) == 0:
        return Clip(samples, speech.marks)
    resampled = resample(samples, speech.sample_rate, rate)
    scale = rate / speech.sample_rate
    return Clip(resampled, tuple(Mark(m.char, round(m.sample * scale)) for m in speech.marks))


def trim_silence(clip: Clip, rate: int, threshold_db: float, keep_ms: float) -> Clip:
    """Cut leading and trailing silence below ``threshold_db`` dBFS, keeping ``keep_ms`` of it."""
    first, last = loud_span(clip.samples, threshold_db, int(rate * keep_ms / MS_PER_S))
    if last == 0:
        return Clip(clip.samples[:0])
    kept = clip.samples[first:last]
    marks = tuple(Mark(m.char, min(max(m.sample - first, 0), len(kept))) for m in clip.marks)
    return Clip(kept, marks)
