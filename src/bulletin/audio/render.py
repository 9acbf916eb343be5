"""From synthesised segments to a finished, measured MP3."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletin.audio import AudioSettings
from bulletin.audio.export import encode_mp3
from bulletin.audio.loudness import Loudness, Master, rotate_phase
from bulletin.audio.meter import measure_file
from bulletin.audio.stitch import Span, stitch, to_float, trim_silence
from bulletin.errors import AudioError
from bulletin.model import SegmentKind
from bulletin.tts.base import Speech

log = logging.getLogger(__name__)

# MP3 encoding moves levels: true peaks rise or fall a few tenths of a dB and,
# at 128 kbps and below, LAME's quantisation takes some 0.4 LU off the
# loudness. Master under the ceiling, measure the encoded file, correct.
MP3_HEADROOM_DB = 0.5
ENCODE_ATTEMPTS = 3
OVERSHOOT_MARGIN_DB = 0.1
# Aim: the file within this of the target (the specs allow 1 LU).
LOUDNESS_AIM_LU = 0.25


@dataclass(frozen=True)
class Rendered:
    """The measured result of rendering: loudness of the file and segment positions."""

    loudness: Loudness
    spans: tuple[Span, ...]  # in samples
    sample_rate: int


def render_mp3(
    speeches: Sequence[Speech], kinds: Sequence[SegmentKind], settings: AudioSettings, path: Path
) -> Rendered:
    """Clean, level, stitch and master the segments; write and verify the MP3 at ``path``."""
    rate = settings.sample_rate
    parts = [
        trim_silence(to_float(speech, rate), rate, settings.silence_threshold_db, settings.keep_silence_ms)
        for speech in speeches
    ]
    gaps = [settings.gaps.after(a, b) for a, b in zip(kinds, kinds[1:])]
    audio, spans = stitch(parts, gaps, rate)
    master = Master(rotate_phase(audio, rate), rate, [(s.start, s.end) for s in spans])
    target, ceiling = settings.target_lufs, settings.true_peak_ceiling - MP3_HEADROOM_DB
    for attempt in range(1, ENCODE_ATTEMPTS + 1):
        encode_mp3(master.render(target, ceiling), rate, path, settings.bitrate)
        measured = measure_file(path)
        log.info("master attempt %d: %.1f LUFS, %.1f dBTP", attempt, measured.integrated, measured.true_peak)
        miss = settings.target_lufs - measured.integrated
        overshoot = measured.true_peak - settings.true_peak_ceiling
        if abs(miss) <= LOUDNESS_AIM_LU and overshoot <= 0:
            return Rendered(measured, tuple(spans), rate)
        target += miss
        ceiling -= max(overshoot + OVERSHOOT_MARGIN_DB, 0)
    if abs(miss) <= 1 and overshoot <= 0:  # within the specs' tolerance after all
        return Rendered(measured, tuple(spans), rate)
    raise AudioError(
        f"the MP3 measured {measured.integrated:.1f} LUFS and {measured.true_peak:.1f} dBTP after "
        f"{ENCODE_ATTEMPTS} attempts; target {settings.target_lufs:g} LUFS, ceiling "
        f"{settings.true_peak_ceiling:g} dBTP. Try a higher bitrate."
    )
