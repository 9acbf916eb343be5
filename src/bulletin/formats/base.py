"""What an output format is, and the seam between mastering and a format's encoder.

A bulletin is mastered one part at a time (see :mod:`bulletin.audio.parts`).
An encoder turns a mastered part into bytes kept in the part store and joins
the parts into the file. A format whose frames stand alone (MP3) encodes each
part and joins them by copying; one that cannot (AAC in MP4: its encoder
carries state from frame to frame) keeps parts as PCM and encodes when it
joins. Either way the encoder says how long a part is and where its audio
starts, gives a meter for the finished file, and writes the file's metadata.
What it learns about its own effect on loudness is kept per calibration key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bulletin.core.model import Chapter
from bulletin.core.pcm import BITS_PER_BYTE, to_pcm
from bulletin.core.registry import Needs
from bulletin.media.meter import FileLoudness, Meter

if TYPE_CHECKING:
    import numpy as np

DURATION_DECIMALS = 3  # a file's length, to the millisecond


@dataclass(frozen=True)
class Calibration:
    """Corrections learnt from measuring encoded files (see :mod:`bulletin.audio.render`)."""

    offset_db: float  # master this much louder: the encoder takes it off again
    headroom_db: float  # and keep true peaks this far under the ceiling

    def to_dict(self) -> dict[str, float]:
        """For the calibration file."""
        return asdict(self)


@dataclass(frozen=True)
class TagInfo:
    """What a file's metadata says, whatever the format writes it in."""

    title: str
    artist: str
    album: str
    recorded: datetime
    genre: str
    language: str = "dut"  # ISO 639-2 (bibliographic) code for Dutch
    engine: str = ""
    voice: str = ""
    encoded_by: str = ""
    description: str = ""
    transcript: str = ""
    duration: float = 0.0  # seconds
    cover_jpeg: bytes = b""
    chapters: Sequence[Chapter] = field(default_factory=tuple)


@dataclass(frozen=True)
class Finished:
    """What is known of a finished file when its metadata is written."""

    tags: TagInfo
    headline: str  # the lead story's
    reference: str  # the bulletin's unique id, 32 hex digits
    rate: int
    part_starts: Sequence[int]  # where each chapter starts, in samples
    loudness: FileLoudness  # the file as measured


class Encoder(Protocol):
    """One output format's encoder, made for one rendition (its settings and bitrate)."""

    @property
    def format(self) -> Format:
        """The format it writes."""
        ...

    @property
    def delay(self) -> int:
        """Samples of silence the encoding puts before a part's audio, as decoded."""
        ...

    @property
    def keep_joined(self) -> bool:
        """Whether the joined file is worth keeping in the cache: joining it again would encode
        the whole bulletin (a format that encodes when it joins), not just copy its parts."""
        ...

    def identity(self) -> str:
        """What the encoder is (binary, settings), for part and measurement cache keys."""
        ...

    def encode(self, samples: np.ndarray, rate: int) -> bytes:
        """A mastered part (float samples) as the bytes kept for it: frames that join to the
        next part's, or PCM for a format that encodes when it joins."""
        ...

    def length(self, data: bytes) -> int:
        """Samples in a part's bytes, as decoded (delay and padding included)."""
        ...

    def join(self, parts: Iterable[bytes], path: Path, rate: int) -> None:
        """Write the parts, in order, as one file at ``path`` (encoding them here, if need be);
        ``parts`` is read once, one part at a time: the whole never needs to be in memory."""
        ...

    def meter(self, path: Path, rate: int) -> Meter:
        """The independent meter of the file joined at ``path``: fed the parts' bytes in order
        as they are ready (a stream meter), or reading the file once it is written."""
        ...

    def duration(self, path: Path, samples: int, rate: int) -> float:
        """Seconds of audio in the joined file of ``samples`` samples."""
        ...

    def tag(self, path: Path, finished: Finished) -> None:
        """Write the file's metadata: tags, chapters or cue points, loudness."""
        ...

    def calibration_key(self) -> str:
        """Under what name its corrections are learnt (encodings that behave alike share one)."""
        ...

    def prior(self) -> Calibration:
        """The corrections to start from before anything is learnt."""
        ...


class PcmParts:
    """For a format whose parts are kept as PCM of ``bits`` bits: no encoder delay, a part's
    length in its bytes, and the file exactly as long as its samples (WAV, and a format that
    encodes when it joins, like AAC in MP4)."""

    delay = 0
    keep_joined = False  # PCM parts join by writing them out

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.width = bits // BITS_PER_BYTE

    def encode(self, samples: np.ndarray, rate: int) -> bytes:
        """The mastered part as little-endian PCM."""
        return to_pcm(samples, self.bits)

    def length(self, data: bytes) -> int:
        """Samples in a part's PCM."""
        return len(data) // self.width

    def duration(self, path: Path, samples: int, rate: int) -> float:
        """Seconds: as many as the samples make (to the millisecond)."""
        return round(samples / rate, DURATION_DECIMALS)


def tiled(starts: Sequence[tuple[str, float]], end: float) -> list[Chapter]:
    """Chapters from (title, start) pairs as a file lists them: each lasts until the next
    starts, the last until the file's ``end`` (to the millisecond); none for none."""
    ends = [start for _, start in starts[1:]] + ([end] if starts else [])
    return [
        Chapter(title, round(start, DURATION_DECIMALS), round(stop, DURATION_DECIMALS))
        for (title, start), stop in zip(starts, ends, strict=True)
    ]


@dataclass(frozen=True)
class Inspection:
    """What ``bulletin inspect`` reports on a file, whatever its format."""

    path: str
    format: str  # the format's name
    audio: str  # "PCM 48000 Hz, 24-bit, mono", "MPEG-1 Layer III 44100 Hz, 96 kbps, mono"
    tags: dict[str, str]  # as the file holds them: ID3 frame ids, INFO ids, MP4 atoms
    chapters: list[Chapter]  # for a WAV: its cue points with their labels
    loudness: FileLoudness
    tag_format: str | None = None  # "ID3v2.3.0", "MP4"; None: no tags
    chapter_kind: str = "chapters"  # what the file calls them ("cue points")
    cover: str | None = None  # "image/jpeg, 112804 bytes"
    transcript_chars: int = 0
    details: dict[str, Any] = field(default_factory=dict)  # the format's own: {"bext": {...}}

    def to_dict(self) -> dict[str, Any]:
        """For ``--format json``: the fields, with the format's own details at the top level."""
        data = asdict(self)
        return {**{k: v for k, v in data.items() if k != "details"}, **data["details"]}


@dataclass(frozen=True)
class Format:
    """A file format a bulletin can be written in: one entry in :data:`bulletin.formats.FORMATS`."""

    name: str
    description: str
    suffix: str  # of the file, with the dot
    media_type: str  # MIME type, for feeds and HTTP
    rates: tuple[int, ...]  # sample rates it can hold
    Section: type  # its section of bulletin.toml ([mp3]): sample_rate, and options of its own
    # The encoder for one rendition: the format's section, and the least bitrate the profile asks.
    encoder: Callable[[Any, int], Encoder]
    # How sure it is (0: not at all) that a file starting with ``head`` is its own, like mutagen's File().
    score: Callable[[bytes], int]
    inspect: Callable[[Path], Inspection]  # a file's tags, chapters and measurement
    needs: Needs = Needs()
    # Whether podcast apps play it as an episode (Apple's media formats: MP3, AAC); a show in
    # another format gets an MP3 rendition for its feed.
    podcast: bool = True


__all__ = ["Calibration", "Encoder", "Finished", "Format", "Inspection", "PcmParts", "TagInfo", "tiled"]
