"""A bulletin is mastered and encoded one part at a time, one part per chapter.

A part is a segment's speech with what comes around it: the intro sting (and
the music bed) for the first, the gap and the sounder after a story, the
outro sting after the last. Each part is levelled, phase-rotated, limited and
mastered to the profile's target on its own, and encoded by the profile's
format (see :mod:`bulletin.formats.base`) into bytes that join to the next
part's without re-encoding. Parts are cached by what they are made of, so a
rebuild re-masters and re-encodes only what changed: a new brief, or the
intro with its new time check. Sounders and the bed come from
:mod:`bulletin.audio.mixing`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin import __version__
from bulletin.audio import AudioSettings
from bulletin.audio.profiles import Profile
from bulletin.audio.sounders import SounderSet
from bulletin.core.model import Mark, SegmentKind, Speech
from bulletin.core.pcm import MS_PER_S
from bulletin.formats.base import Calibration, Encoder
from bulletin.storage.blobstore import BlobStore, Shared, content_key

if TYPE_CHECKING:
    from bulletin.audio.mixing import Piece, Sounds

PART_FORMAT = 2
MAGIC = b"BLTNPRT2"
SUFFIX = ".part"
# A segment longer than this (characters of spoken text) is spoken and mastered in pieces,
# under a minute each, cut between sentences: memory stays flat in a segment's length.
# Briefs and most leads of a normal bulletin stay whole.
MAX_PIECE_CHARS = 800
# Between two pieces of one segment: the pause a reader makes between sentences.
PIECE_PAUSE_MS = 300


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
    before: tuple[Element, ...]
    after: tuple[Element, ...]
    bed: bool


@dataclass(frozen=True)
class Rendition:
    """A target for parts: the profile, its format's encoder and the corrections that go with them."""

    profile: Profile
    calibration: Calibration
    encoder: Encoder


@dataclass(frozen=True, eq=False)
class Part:
    """A mastered, encoded part, and where things are in it (samples, as decoded)."""

    data: bytes  # encoded
    samples: int  # length as decoded
    speech: tuple[int, int]
    marks: tuple[Mark, ...]
    loudness: float  # of the speech, mastered, before encoding


def plan_parts(
    kinds: Sequence[SegmentKind],
    speech_keys: Sequence[str],
    settings: AudioSettings,
    sounders: SounderSet,
    pieces: Sequence[int] | None = None,
) -> list[PartPlan]:
    """The parts of a bulletin: one per segment, with the sounders and gaps that follow it.

    A segment spoken in ``pieces[i]`` pieces (a long one, see ``MAX_PIECE_CHARS``) is that
    many parts, one per piece's speech in ``speech_keys``: what comes before the segment
    goes before its first, what follows it after its last.
    """
    gaps, plans = settings.gaps, list[PartPlan]()
    counts = pieces if pieces is not None else [1] * len(kinds)
    keys = iter(speech_keys)
    for index, (kind, count) in enumerate(zip(kinds, counts, strict=True)):
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        before: tuple[Element, ...] = ()
        after: tuple[Element, ...]
        if index == 0 and sounders.enabled:
            before = (Element(sounder="intro"), Element(ms=gaps.after_sting_ms))
        if following is None:
            after = (Element(ms=gaps.after_sting_ms), Element(sounder="outro")) if sounders.enabled else ()
        elif sounders.enabled and kind.is_story and following.is_story:
            after = (Element(ms=gaps.around_sounder_ms), Element(sounder="between"), Element(ms=gaps.around_sounder_ms))
        else:
            after = (Element(ms=gaps.after(kind, following)),)
        for piece in range(count):
            plans.append(
                PartPlan(
                    len(plans),
                    next(keys),
                    before if piece == 0 else (),
                    after if piece == count - 1 else (Element(ms=PIECE_PAUSE_MS),),
                    bed=index == 0 and piece == 0 and sounders.has_bed,
                )
            )
    return plans


def segment_part(pieces: Sequence[Part], char_starts: Sequence[int]) -> Part:
    """The parts of one segment spoken in pieces as one part (for its chapter, cues and
    loudness); ``char_starts``: where each piece's text starts in the segment's text."""
    if len(pieces) == 1:
        return pieces[0]
    starts = offsets(pieces)
    marks = tuple(
        Mark(m.char + chars, start + m.sample)
        for part, start, chars in zip(pieces, starts, char_starts, strict=True)
        for m in part.marks
    )
    # The speech's loudness over all pieces: their mean power, weighted by length.
    weighed = [(p.speech[1] - p.speech[0], p.loudness) for p in pieces if math.isfinite(p.loudness)]
    total = sum(w for w, _ in weighed)
    loudness = 10 * math.log10(sum(w * 10 ** (lufs / 10) for w, lufs in weighed) / total) if total > 0 else math.nan
    return Part(
        data=b"".join(p.data for p in pieces),
        samples=sum(p.samples for p in pieces),
        speech=(pieces[0].speech[0], starts[-1] + pieces[-1].speech[1]),
        marks=marks,
        loudness=round(loudness, 2),
    )


def part_key(plan: PartPlan, rendition: Rendition, settings: AudioSettings, sounders: SounderSet) -> str:
    """A hash of everything that makes the part sound as it does."""
    return content_key(
        {
            "format": PART_FORMAT,
            "bulletin": __version__,
            "speech": plan.speech_key,
            "before": [asdict(e) for e in plan.before],
            "after": [asdict(e) for e in plan.after],
            "sounders": {e.sounder: sounders.identity(e.sounder) for e in (*plan.before, *plan.after) if e.sounder},
            "bed": sounders.identity("bed") if plan.bed else None,
            "profile": asdict(rendition.profile),
            "calibration": rendition.calibration.to_dict(),
            "audio": {k: v for k, v in asdict(settings).items() if k != "gaps"},
            "encoder": rendition.encoder.identity(),
        }
    )


class PartStore:
    """Rendered parts, on disk or (with ``root`` None) for this run only, with an optional shared
    tier behind them (a part one station mastered serves every station that reads it alike)."""

    def __init__(self, root: Path | None, shared: Shared | None = None) -> None:
        self.store = BlobStore(root, MAGIC, SUFFIX, shared)

    def get(self, key: str) -> Part | None:
        found = self.store.get(key)
        if found is None:
            return None
        meta, data = found
        return Part(data, meta["samples"], tuple(meta["speech"]), Mark.unpack(meta["marks"]), meta["loudness"])

    def put(self, key: str, part: Part) -> None:
        meta = {
            "samples": part.samples,
            "speech": list(part.speech),
            "marks": Mark.pack(part.marks),
            "loudness": part.loudness,
        }
        self.store.put(key, meta, part.data)


def _assemble(plan: PartPlan, voice: Piece, sounds: Sounds, rate: int) -> tuple[Piece, int]:
    """The part before mastering (analysed: the pieces' analyses joined), and where its speech starts."""
    from bulletin.audio.mixing import Piece

    def pieces(elements: tuple[Element, ...]) -> list[Piece]:
        return [sounds.get(e.sounder) if e.sounder else Piece.silence(rate * e.ms // MS_PER_S) for e in elements]

    head, tail = pieces(plan.before), pieces(plan.after)
    start = sum(len(p.samples) for p in head)
    joined = Piece.joined([*head, voice, *tail])
    if plan.bed:  # the bed overlaps the others, so this part is analysed as a whole
        return Piece.analyse(sounds.under(joined.samples, (start, start + len(voice.samples))), rate), start
    return joined, start


def render_part(
    plan: PartPlan, speech: Speech, renditions: Sequence[Rendition], settings: AudioSettings, sounds: Sounds
) -> list[Part]:
    """The part for each rendition: cleaned, levelled and analysed once, mastered per profile."""
    # The signal processing (numpy) loads only when a part is made: a rebuild from stored parts needs none.
    from bulletin.audio.loudness import Master
    from bulletin.audio.mixing import REFERENCE_LUFS, levelled
    from bulletin.audio.stitch import to_clip, trim_silence

    rate = settings.sample_rate
    clip = trim_silence(to_clip(speech, rate), rate, settings.silence_threshold_db, settings.keep_silence_ms)
    voice, measurable = levelled(clip.samples, rate, REFERENCE_LUFS, rotate=True)
    part, start = _assemble(plan, voice, sounds, rate)
    # Speech too short to measure on its own ("Ja.") is mastered by the whole part.
    measured = (start, start + len(voice.samples)) if measurable else None
    master = Master(part.samples, rate, part.energies, part.peaks_db, measured)
    parts = []
    for rendition in renditions:
        profile, calibration = rendition.profile, rendition.calibration
        mastered, loudness = master.master(
            profile.loudness + calibration.offset_db, profile.true_peak - calibration.headroom_db
        )
        encoder = rendition.encoder
        data = encoder.encode(mastered, rate)
        shift = encoder.delay + start
        parts.append(
            Part(
                data=data,
                samples=encoder.length(data),
                speech=(shift, shift + len(clip.samples)),
                marks=tuple(Mark(m.char, shift + m.sample) for m in clip.marks),
                loudness=round(loudness - calibration.offset_db, 2),
            )
        )
    return parts


def offsets(parts: Sequence[Part]) -> list[int]:
    """Where each part starts in the joined file, in samples."""
    starts, cursor = [], 0
    for part in parts:
        starts.append(cursor)
        cursor += part.samples
    return starts
