"""A bulletin is mastered and encoded one part at a time, one part per chapter.

A part is a segment's speech with what comes around it: the intro sting (and
the music bed) for the first, the gap and the sounder after a story, the
outro sting after the last. Each part is levelled, phase-rotated, limited and
mastered to the profile's target on its own, and encoded to MP3 frames that
stand alone (no bit reservoir, no Xing or ID3 header), so the finished file
is the parts' frames one after another. Parts are cached by what they are
made of, so a rebuild re-masters and re-encodes only what changed: a new
brief, or the intro with its new time check.

Every part starts with the encoder's delay in silence (ENCODER_DELAY samples
as decoded) and ends on a whole frame, inside the silence between chapters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bulletin import __version__
from bulletin.audio import AudioSettings, Profile
from bulletin.audio.ffmpeg import decode, ffmpeg_identity, run_ffmpeg
from bulletin.audio.loudness import (CONTROL_BLOCK, SILENT_DB, Master, block_count, block_energies, gated_loudness,
                                     pad_blocks, peaks_db, ramp_gain, rotate_phase)
from bulletin.audio.sounders import SounderSet, music_bed
from bulletin.audio.stitch import to_clip, trim_silence
from bulletin.blobstore import BlobStore, content_key
from bulletin.errors import AudioError, ConfigError
from bulletin.model import SegmentKind
from bulletin.model import Mark, Speech

PART_FORMAT = 1
MAGIC = b"BLTNPRT1"
SUFFIX = ".part"
# Elements are levelled to this before mastering; only differences matter.
REFERENCE_LUFS = -20.0
SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
# LAME's encoder delay (576) plus the MP3 decoder's (529): silence before each part's audio.
ENCODER_DELAY = 1105
MPEG1_RATES = (44100, 48000, 32000)
MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
FRAME_SYNC = 0x7FF
MONO = 1
INT16_MAX, INT16_MIN = 32767, -32768
# The bed: how it moves around the voice, in seconds.
BED_DUCK_ATTACK_S = 0.25
BED_DUCK_RELEASE_S = 0.6
BED_TAIL_S = 1.5


@dataclass(frozen=True)
class Element:
    """Silence (``ms``) or a sounder (``sounder``) next to a part's speech."""

    ms: int = 0
    sounder: str = ""


@dataclass(frozen=True)
class PartPlan:
    """What one part is made of: enough to name it before any audio exists."""

    index: int
    speech_key: str  # the segment cache key of its speech
    before: tuple[Element, ...] = ()
    after: tuple[Element, ...] = ()
    bed: bool = False


@dataclass(frozen=True)
class Calibration:
    """Corrections learnt from measuring encoded files (see render.py)."""

    offset_db: float  # master this much louder: the encoder takes it off again
    headroom_db: float  # and keep true peaks this far under the ceiling

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Rendition:
    """A target for parts: the profile and the corrections that go with it."""

    profile: Profile
    calibration: Calibration


@dataclass(frozen=True, eq=False)
class Part:
    """A mastered, encoded part, and where things are in it (samples, as decoded)."""

    mp3: bytes
    frames: int
    speech: tuple[int, int]
    marks: tuple[Mark, ...]
    loudness: float  # of the speech, mastered, before encoding

    @property
    def samples(self) -> int:
        """Length of the part as decoded."""
        return self.frames * SAMPLES_PER_FRAME


def check_rate(rate: int) -> None:
    """Parts are MPEG-1 Layer III: 32, 44.1 or 48 kHz."""
    if rate not in MPEG1_RATES:
        raise ConfigError(f"[audio] sample_rate {rate} is not one of {', '.join(map(str, MPEG1_RATES))}.")


def plan_parts(kinds: Sequence[SegmentKind], speech_keys: Sequence[str], settings: AudioSettings,
               sounders: SounderSet) -> list[PartPlan]:
    """The parts of a bulletin: one per segment, with the sounders and gaps that follow it."""
    gaps, plans = settings.gaps, []
    for index, (kind, key) in enumerate(zip(kinds, speech_keys, strict=True)):
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        before: tuple[Element, ...] = ()
        if index == 0 and sounders.enabled:
            before = (Element(sounder="intro"), Element(ms=gaps.after_sting_ms))
        if following is None:
            after = (Element(ms=gaps.after_sting_ms), Element(sounder="outro")) if sounders.enabled else ()
        elif sounders.enabled and kind.is_story and following.is_story:
            after = (Element(ms=gaps.around_sounder_ms), Element(sounder="between"), Element(ms=gaps.around_sounder_ms))
        else:
            after = (Element(ms=gaps.after(kind, following)),)
        plans.append(PartPlan(index, key, before, after, bed=index == 0 and sounders.has_bed))
    return plans


@cache
def _encoder_identity() -> str:
    return f"{ffmpeg_identity()} libmp3lame cbr mono no-reservoir"


def part_key(plan: PartPlan, rendition: Rendition, settings: AudioSettings, sounders: SounderSet) -> str:
    """A hash of everything that makes the part sound as it does."""
    return content_key({
        "format": PART_FORMAT,
        "bulletin": __version__,
        "speech": plan.speech_key,
        "before": [asdict(e) for e in plan.before],
        "after": [asdict(e) for e in plan.after],
        "sounders": {e.sounder: sounders.identity(e.sounder) for e in (*plan.before, *plan.after) if e.sounder},
        "bed": sounders.identity("bed") if plan.bed else None,
        "profile": asdict(rendition.profile),
        "calibration": rendition.calibration.to_dict(),
        "audio": {k: v for k, v in asdict(settings).items() if k not in ("profile", "gaps")},
        "encoder": _encoder_identity(),
    })


class PartStore:
    """Rendered parts, on disk or (with ``root`` None) for this run only."""

    def __init__(self, root: Path | None) -> None:
        self.store = BlobStore(root, MAGIC, SUFFIX)

    def get(self, key: str) -> Part | None:
        found = self.store.get(key)
        if found is None:
            return None
        meta, data = found
        return Part(data, meta["frames"], tuple(meta["speech"]), Mark.unpack(meta["marks"]), meta["loudness"])

    def put(self, key: str, part: Part) -> None:
        meta = {"frames": part.frames, "speech": list(part.speech), "marks": Mark.pack(part.marks),
                "loudness": part.loudness}
        self.store.put(key, meta, part.mp3)


def count_frames(mp3: bytes) -> int:
    """Frames in a run of MPEG-1 Layer III frames (what our parts are)."""
    position = frames = 0
    while position + 4 <= len(mp3):
        header = int.from_bytes(mp3[position: position + 4], "big")
        rate_index, kbps_index = (header >> 10) & 3, (header >> 12) & 15
        if header >> 21 != FRAME_SYNC or rate_index == 3 or kbps_index in (0, 15):
            raise AudioError("the encoder wrote something other than MP3 frames; check the ffmpeg build.")
        padding = (header >> 9) & 1
        position += 144_000 * MPEG1_L3_KBPS[kbps_index] // MPEG1_RATES[rate_index] + padding
        frames += 1
    return frames


def encode_frames(samples: np.ndarray, rate: int, bitrate: str, quality: int = 5) -> bytes:
    """CBR MP3 frames that stand alone: LAME in the bundled ffmpeg, the samples piped in.

    No dither: 16-bit rounding noise lies some 80 dB under speech at -16 LUFS,
    far below what the encoder keeps.
    """
    pcm = np.clip(np.round(samples * INT16_MAX), INT16_MIN, INT16_MAX).astype("<i2")
    return run_ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", str(MONO), "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", bitrate,
         "-compression_level", str(quality), "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0",
         "-f", "mp3", "pipe:1"],
        what="encode MP3", data=pcm.tobytes(),
    )


@dataclass(frozen=True, eq=False)
class _Piece:
    """Samples (a whole number of control blocks) with their block energies and true peaks."""

    samples: np.ndarray
    energies: np.ndarray
    peaks_db: np.ndarray

    @classmethod
    def analyse(cls, samples: np.ndarray, rate: int, rotate: bool = False) -> _Piece:
        padded = pad_blocks(samples)
        energies = block_energies(padded, rate)  # an all-pass leaves them as they are
        if rotate:
            padded = rotate_phase(padded, rate)
        return cls(padded, energies, peaks_db(padded))

    @classmethod
    def silence(cls, samples: int) -> _Piece:
        blocks = block_count(samples)
        return cls(np.zeros(blocks * CONTROL_BLOCK, np.float32), np.zeros(blocks), np.full(blocks, SILENT_DB))

    def scaled(self, gain_db: float) -> _Piece:
        factor = 10 ** (gain_db / 20)
        return _Piece((self.samples * factor).astype(np.float32), self.energies * factor**2,
                      self.peaks_db + gain_db)


def _levelled(samples: np.ndarray, rate: int, target: float, rotate: bool = False) -> tuple[_Piece, bool]:
    """The samples analysed and brought to ``target`` LUFS; False when too short or quiet to measure."""
    piece = _Piece.analyse(samples, rate, rotate)
    loudness = gated_loudness(piece.energies, rate)
    if not math.isfinite(loudness):
        return piece, False
    return piece.scaled(target - loudness), True


class Sounds:
    """The sounders at the bulletin's rate, levelled against speech and analysed once per run."""

    def __init__(self, sounders: SounderSet, settings: AudioSettings) -> None:
        self.sounders, self.settings = sounders, settings
        self._pieces: dict[str, _Piece] = {}

    def get(self, name: str) -> _Piece:
        if name not in self._pieces:
            clip = getattr(self.sounders, name)
            self._pieces[name] = _levelled(clip, self.settings.sample_rate,
                                           REFERENCE_LUFS + self.settings.sounder_level_lu)[0]
        return self._pieces[name]

    def bed(self, length: int, speech: tuple[int, int]) -> np.ndarray:
        """The bed for the first ``length`` samples, ducked under ``speech``, faded out after it."""
        rate = self.settings.sample_rate
        if self.sounders.bed_file is not None:
            clip = np.resize(decode(self.sounders.bed_file, rate), length)  # a short file loops
        else:
            clip = music_bed(rate, length)
        clip = _levelled(clip, rate, REFERENCE_LUFS + self.settings.bed_level_lu)[0].samples[:length]
        need = np.zeros(block_count(length))
        need[speech[0] // CONTROL_BLOCK: block_count(speech[1])] = self.settings.bed_duck_lu
        duck = -self.settings.bed_duck_lu
        curve = ramp_gain(need, rate, duck / BED_DUCK_ATTACK_S, duck / BED_DUCK_RELEASE_S)
        fade = np.clip((speech[1] + BED_TAIL_S * rate - np.arange(length)) / (BED_TAIL_S * rate), 0.0, 1.0)
        gain = 10 ** (np.interp(np.arange(length), np.arange(len(curve)) * CONTROL_BLOCK, curve) / 20) * fade
        return (clip * gain).astype(np.float32)


def _assemble(plan: PartPlan, voice: _Piece, sounds: Sounds, rate: int) -> tuple[_Piece, int]:
    """The part before mastering (analysed: the pieces' analyses joined), and where its speech starts."""
    def pieces(elements: tuple[Element, ...]) -> list[_Piece]:
        return [sounds.get(e.sounder) if e.sounder else _Piece.silence(rate * e.ms // 1000) for e in elements]

    head, tail = pieces(plan.before), pieces(plan.after)
    start = sum(len(p.samples) for p in head)
    joined = [*head, voice, *tail]
    samples = np.concatenate([p.samples for p in joined])
    if plan.bed:  # the bed overlaps the others, so this part is analysed as a whole
        bed_length = min(len(samples), start + len(voice.samples) + int(BED_TAIL_S * rate))
        samples[:bed_length] += sounds.bed(bed_length, (start, start + len(voice.samples)))
        return _Piece.analyse(samples, rate), start
    return _Piece(samples, np.concatenate([p.energies for p in joined]),
                  np.concatenate([p.peaks_db for p in joined])), start


def render_part(plan: PartPlan, speech: Speech, renditions: Sequence[Rendition], settings: AudioSettings,
                sounds: Sounds) -> list[Part]:
    """The part for each rendition: cleaned, levelled and analysed once, mastered per profile."""
    rate = settings.sample_rate
    clip = trim_silence(to_clip(speech, rate), rate, settings.silence_threshold_db, settings.keep_silence_ms)
    voice, measurable = _levelled(clip.samples, rate, REFERENCE_LUFS, rotate=True)
    part, start = _assemble(plan, voice, sounds, rate)
    # Speech too short to measure on its own ("Ja.") is mastered by the whole part.
    measured = (start, start + len(voice.samples)) if measurable else None
    master = Master.analysed(part.samples, rate, part.energies, part.peaks_db, measured)
    parts = []
    for rendition in renditions:
        profile, calibration = rendition.profile, rendition.calibration
        mastered, loudness = master.master(profile.loudness + calibration.offset_db,
                                           profile.true_peak - calibration.headroom_db)
        mp3 = encode_frames(mastered, rate, profile.bitrate, profile.encoder_quality)
        shift = ENCODER_DELAY + start
        parts.append(Part(
            mp3=mp3,
            frames=count_frames(mp3),
            speech=(shift, shift + len(clip.samples)),
            marks=tuple(Mark(m.char, shift + m.sample) for m in clip.marks),
            loudness=round(loudness - calibration.offset_db, 2),
        ))
    return parts


def offsets(parts: Sequence[Part]) -> list[int]:
    """Where each part starts in the joined file, in samples."""
    starts, cursor = [], 0
    for part in parts:
        starts.append(cursor)
        cursor += part.samples
    return starts
