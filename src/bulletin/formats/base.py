"""The output format as a seam: what mastering needs from an encoder.

A bulletin is mastered one part at a time (see :mod:`bulletin.audio.parts`);
an encoder turns a mastered part into bytes that can be joined to the next
part's without re-encoding, says how long a part is and where its audio
starts, joins parts into a file, and measures that file while it is made.
What it learns about its own effect on loudness is kept per calibration key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bulletin.formats import WAV, Format, get_format
from bulletin.media.meter import StreamMeter
from bulletin.audio.profiles import Profile
from bulletin.audio.qa import QAReport
from bulletin.formats.id3 import TagInfo

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Calibration:
    """Corrections learnt from measuring encoded files (see render.py)."""

    offset_db: float  # master this much louder: the encoder takes it off again
    headroom_db: float  # and keep true peaks this far under the ceiling

    def to_dict(self) -> dict[str, float]:
        """For the calibration file."""
        return asdict(self)


@dataclass(frozen=True)
class Finished:
    """What is known of a finished file when its metadata is written."""

    tags: TagInfo
    headline: str  # the lead story's
    reference: str  # the bulletin's unique id, 32 hex digits
    rate: int
    part_starts: Sequence[int]  # where each chapter starts, in samples
    qa: QAReport


class Encoder(Protocol):
    """One output format's encoder."""

    format: Format

    def identity(self) -> str:
        """What the encoder is (binary, settings), for part cache keys."""
        ...

    def check_rate(self, rate: int) -> None:
        """Raise ConfigError if the format cannot hold audio at ``rate``."""
        ...

    def encode(self, samples: np.ndarray, rate: int, profile: Profile) -> bytes:
        """A mastered part (float samples) as bytes that join to the next part's."""
        ...

    def length(self, data: bytes) -> int:
        """Samples in an encoded part, as decoded (delay and padding included)."""
        ...

    @property
    def delay(self) -> int:
        """Samples of silence the encoding puts before a part's audio, as decoded."""
        ...

    def join(self, parts: Sequence[bytes], path: Path, rate: int) -> None:
        """Write the parts, in order, as one file at ``path``."""
        ...

    def meter(self, label: str, rate: int) -> StreamMeter:
        """A meter to be fed the parts' bytes in order, as they are ready."""
        ...

    def duration(self, path: Path, samples: int, rate: int) -> float:
        """Seconds of audio in the joined file of ``samples`` samples."""
        ...

    def tag(self, path: Path, finished: Finished) -> None:
        """Write the file's metadata: tags, chapters or cue points, loudness."""
        ...

    def calibration_key(self, profile: Profile) -> str:
        """Under what name its corrections are learnt (encodings that behave alike share one)."""
        ...

    def prior(self, profile: Profile) -> Calibration:
        """The corrections to start from before anything is learnt."""
        ...


def create_encoder(profile: Profile, bit_depth: int) -> Encoder:
    """The encoder for ``profile``'s format (``bit_depth`` applies to PCM)."""
    if get_format(profile.format).name == WAV:
        from bulletin.formats.wav import WavEncoder

        return WavEncoder(bit_depth)
    from bulletin.formats.mp3 import Mp3Encoder

    return Mp3Encoder()
