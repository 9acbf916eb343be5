"""From synthesised segments to a finished, measured MP3.

The timeline: [intro sting] intro [lead] [sounder] [brief] [sounder] ... outro
[outro sting], with an optional music bed under the intro, ducked under the
voice. Every element is levelled first (speech to one reference loudness,
sounders a little under it), then the whole is phase-rotated, mastered to the
profile's target and encoded; the encoded file is measured and corrected.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bulletin.audio import AudioSettings, Profile
from bulletin.audio.export import encode_mp3
from bulletin.audio.loudness import CONTROL_BLOCK, Master, integrated_loudness, ramp_gain, rotate_phase
from bulletin.audio.meter import measure_file
from bulletin.audio.qa import QAReport, review
from bulletin.audio.sounders import SounderSet, music_bed
from bulletin.audio.stitch import Clip, Span, stitch, to_clip, trim_silence
from bulletin.model import SegmentKind
from bulletin.tts.base import Mark, Speech

log = logging.getLogger(__name__)

# Elements are levelled to this before mastering; only differences matter.
REFERENCE_LUFS = -20.0
STORY_KINDS = frozenset({SegmentKind.LEAD, SegmentKind.BRIEF})
# MP3 encoding moves levels: true peaks rise or fall a few tenths of a dB and,
# at 128 kbps and below, LAME's quantisation takes some 0.4 LU off the
# loudness. Master under the ceiling, measure the encoded file, correct.
MP3_HEADROOM_DB = 0.5
ENCODE_ATTEMPTS = 3
OVERSHOOT_MARGIN_DB = 0.1
LOUDNESS_AIM_LU = 0.25  # correct the file when it is further than this from the target
# The bed: how it moves around the voice, in seconds.
BED_DUCK_ATTACK_S = 0.25
BED_DUCK_RELEASE_S = 0.6
BED_TAIL_S = 1.5


@dataclass(frozen=True)
class Rendered:
    """The finished audio's timeline and measurements."""

    qa: QAReport
    spans: tuple[Span, ...]  # each segment's speech, in samples
    marks: tuple[tuple[Mark, ...], ...]  # per segment, samples from the start of the file
    sample_rate: int

    @property
    def duration(self) -> float:
        """Seconds, as the encoded file reports."""
        return self.qa.duration


@dataclass(frozen=True)
class _Item:
    samples: np.ndarray
    gap_after_ms: int
    segment: int | None = None  # index of the script segment it speaks, if speech


def _level(samples: np.ndarray, rate: int, target: float) -> np.ndarray:
    loudness = integrated_loudness(samples, rate)
    return samples if not np.isfinite(loudness) else (samples * 10 ** ((target - loudness) / 20)).astype(np.float32)


def _timeline(clips: Sequence[Clip], kinds: Sequence[SegmentKind], settings: AudioSettings,
              sounders: SounderSet) -> list[_Item]:
    rate, gaps = settings.sample_rate, settings.gaps
    sounder_level = REFERENCE_LUFS + settings.sounder_level_lu
    items: list[_Item] = []
    if sounders.intro is not None:
        items.append(_Item(_level(sounders.intro, rate, sounder_level), gaps.after_sting_ms))
    for index, (clip, kind) in enumerate(zip(clips, kinds, strict=True)):
        speech = _level(clip.samples, rate, REFERENCE_LUFS)
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if following is None:
            items.append(_Item(speech, gaps.after_sting_ms if sounders.outro is not None else 0, index))
        elif sounders.between is not None and kind in STORY_KINDS and following in STORY_KINDS:
            items.append(_Item(speech, gaps.around_sounder_ms, index))
            items.append(_Item(_level(sounders.between, rate, sounder_level), gaps.around_sounder_ms))
        else:
            items.append(_Item(speech, gaps.after(kind, following), index))
    if sounders.outro is not None:
        items.append(_Item(_level(sounders.outro, rate, sounder_level), 0))
    return items


def _mix_bed(audio: np.ndarray, intro: Span, settings: AudioSettings, sounders: SounderSet) -> None:
    """Lay the bed from the start to just after the intro, ducked while the anchor speaks."""
    rate = settings.sample_rate
    length = min(len(audio), intro.end + int(BED_TAIL_S * rate))
    if sounders.bed_file is not None:
        from bulletin.audio.ffmpeg import decode

        bed = np.resize(decode(sounders.bed_file, rate), length)  # loops a short file
    else:
        bed = music_bed(rate, length)
    bed = _level(bed[:length], rate, REFERENCE_LUFS + settings.bed_level_lu)
    blocks = -(-length // CONTROL_BLOCK)
    need = np.zeros(blocks)
    need[intro.start // CONTROL_BLOCK: -(-intro.end // CONTROL_BLOCK)] = settings.bed_duck_lu
    curve = ramp_gain(need, rate, attack_db_per_s=-settings.bed_duck_lu / BED_DUCK_ATTACK_S,
                      release_db_per_s=-settings.bed_duck_lu / BED_DUCK_RELEASE_S)
    fade = np.clip((length - np.arange(length)) / (BED_TAIL_S * rate), 0.0, 1.0)  # out over the tail
    gain = 10 ** (np.interp(np.arange(length), np.arange(len(curve)) * CONTROL_BLOCK, curve) / 20) * fade
    audio[:length] += (bed * gain).astype(np.float32)


@dataclass(frozen=True, eq=False)
class Prepared:
    """The stitched, levelled, phase-rotated bulletin, analysed once for mastering
    to any number of profiles."""

    master: Master
    spans: tuple[Span, ...]  # each segment's speech, in samples
    marks: tuple[tuple[Mark, ...], ...]  # per segment, samples from the start
    sample_rate: int


def prepare(speeches: Sequence[Speech], kinds: Sequence[SegmentKind], settings: AudioSettings,
            sounders: SounderSet) -> Prepared:
    """Clean, level and stitch the segments with their sounders (and bed)."""
    rate = settings.sample_rate
    clips = [trim_silence(to_clip(s, rate), rate, settings.silence_threshold_db, settings.keep_silence_ms)
             for s in speeches]
    items = _timeline(clips, kinds, settings, sounders)
    audio, placed = stitch([i.samples for i in items], [i.gap_after_ms for i in items[:-1]], rate)
    by_segment = {item.segment: span for item, span in zip(items, placed, strict=True) if item.segment is not None}
    spans = tuple(by_segment[i] for i in range(len(clips)))
    if sounders.bed or sounders.bed_file:
        _mix_bed(audio, spans[0], settings, sounders)
    marks = tuple(
        tuple(Mark(m.char, span.start + m.sample) for m in clip.marks)
        for clip, span in zip(clips, spans, strict=True)
    )
    return Prepared(Master(rotate_phase(audio, rate), rate), spans, marks, rate)


def finish(prepared: Prepared, profile: Profile, path: Path) -> Rendered:
    """Master to ``profile``, encode to ``path``, measure the file and correct it; review it."""
    rate = prepared.sample_rate
    target, ceiling = profile.loudness, profile.true_peak - MP3_HEADROOM_DB
    for attempt in range(1, ENCODE_ATTEMPTS + 1):
        encode_mp3(prepared.master.render(target, ceiling), rate, path, profile.bitrate)
        measured = measure_file(path)
        log.info("%s master, attempt %d: %.1f LUFS, %.1f dBTP", profile.name, attempt,
                 measured.integrated, measured.true_peak)
        miss = profile.loudness - measured.integrated
        overshoot = measured.true_peak - profile.true_peak
        if abs(miss) <= LOUDNESS_AIM_LU and overshoot <= 0:
            break
        target += miss
        ceiling -= max(overshoot + OVERSHOOT_MARGIN_DB, 0)
    qa = review(path, measured, profile, prepared.spans, rate)
    return Rendered(qa, prepared.spans, prepared.marks, rate)
