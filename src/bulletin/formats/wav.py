"""Broadcast WAV output: linear PCM parts joined as they are.

PCM has no encoder delay and no frames: a part is its samples, little-endian,
24-bit (or 16-bit), and the file is the parts one after another inside a
WAV (see :mod:`bulletin.formats.bwf` for the chunks around them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin import __version__
from bulletin.formats.bwf import Bext, CuePoint, PcmFormat, WavMetadata, set_metadata, write_wave
from bulletin.formats.base import Calibration, Finished
from bulletin.formats import FORMATS, WAV
from bulletin.media.meter import StreamMeter
from bulletin.audio.profiles import Profile
from bulletin.core.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

BIT_DEPTHS = (16, 24)
BITS_PER_BYTE = 8
# Rates playout systems take: 48 kHz is the broadcast norm.
PCM_RATES = (44100, 48000)
# PCM keeps loudness as mastered; only the gating blocks that straddle the
# pauses between parts (about 0.3 LU) and the meters' difference remain.
OFFSET_PRIOR_DB = 0.3
HEADROOM_PRIOR_DB = 0.1
SECONDS_PER_HOUR, SECONDS_PER_MINUTE = 3600, 60


def metadata(finished: Finished, bits: int) -> WavMetadata:
    """The bext chunk, one cue point per chapter with its title, and the INFO list."""
    tags, qa, rate = finished.tags, finished.qa, finished.rate
    at = tags.recorded
    since_midnight = at.hour * SECONDS_PER_HOUR + at.minute * SECONDS_PER_MINUTE + at.second
    bext = Bext(
        description=f"{tags.title}: {finished.headline}" if finished.headline else tags.title,
        originator=tags.album,
        originator_reference=finished.reference,
        origination=at,
        time_reference=since_midnight * rate,
        loudness_value=qa.integrated,
        loudness_range=qa.loudness_range,
        max_true_peak=qa.true_peak,
        coding_history=f"A=PCM,F={rate},W={bits},M=mono,T=bulletin {__version__}\r\n",
    )
    cues = [CuePoint(start, chapter.title) for start, chapter in zip(finished.part_starts, tags.chapters, strict=True)]
    info = {"INAM": tags.title, "IART": tags.artist, "IPRD": tags.album, "ICRD": f"{at:%Y-%m-%d}",
            "IGNR": tags.genre, "ISFT": tags.encoded_by}
    return WavMetadata(bext, cues, info)


def to_pcm(samples: np.ndarray, bits: int) -> bytes:
    """Float samples in [-1, 1) as little-endian signed PCM of ``bits`` bits (rounded, clipped)."""
    import numpy as np

    full = 1 << (bits - 1)
    ints = np.clip(np.round(samples.astype(np.float64) * full), -full, full - 1).astype("<i4")
    width = bits // BITS_PER_BYTE
    return ints.view(np.uint8).reshape(-1, 4)[:, :width].tobytes()


class WavEncoder:
    """Mono linear PCM in a Broadcast WAV."""

    format = FORMATS[WAV]
    delay = 0

    def __init__(self, bits: int) -> None:
        if bits not in BIT_DEPTHS:
            raise ConfigError(f"[audio] bit_depth {bits} is not one of {', '.join(map(str, BIT_DEPTHS))}.")
        self.bits = bits
        self.width = bits // BITS_PER_BYTE

    def identity(self) -> str:
        return f"pcm s{self.bits}le mono"

    def check_rate(self, rate: int) -> None:
        if rate not in PCM_RATES:
            raise ConfigError(f"[audio] wav_sample_rate {rate} is not one of {', '.join(map(str, PCM_RATES))}.")

    def encode(self, samples: np.ndarray, rate: int, profile: Profile) -> bytes:
        return to_pcm(samples, self.bits)

    def length(self, data: bytes) -> int:
        return len(data) // self.width

    def join(self, parts: Sequence[bytes], path: Path, rate: int) -> None:
        write_wave(path, PcmFormat(rate, self.bits), parts)

    def meter(self, label: str, rate: int) -> StreamMeter:
        return StreamMeter(label, ["-f", f"s{self.bits}le", "-ar", str(rate), "-ac", "1"])

    def duration(self, path: Path, samples: int, rate: int) -> float:
        return round(samples / rate, 3)

    def tag(self, path: Path, finished: Finished) -> None:
        set_metadata(path, metadata(finished, self.bits))

    def calibration_key(self, profile: Profile) -> str:
        return f"pcm{self.bits}"

    def prior(self, profile: Profile) -> Calibration:
        return Calibration(OFFSET_PRIOR_DB, HEADROOM_PRIOR_DB)
