"""Broadcast WAV output: linear PCM parts joined as they are.

PCM has no encoder delay and no frames: a part is its samples, little-endian,
24-bit (or 16-bit), and the file is the parts one after another inside a
WAV (see :mod:`bulletin.formats.bwf` for the chunks around them).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from bulletin import __version__
from bulletin.core.errors import InputError
from bulletin.core.schema import one_of, setting
from bulletin.formats.base import Calibration, Finished, Format, Inspection, PcmParts, tiled
from bulletin.formats.bwf import WAV_MAGIC, Bext, CuePoint, PcmFormat, WavMetadata, read_wave, set_metadata, write_wave
from bulletin.formats.id3 import names_tag
from bulletin.media.meter import Meter, StreamMeter

NAME = "wav"
BIT_DEPTHS = (16, 24)
# Rates playout systems take: 48 kHz is the broadcast norm.
PCM_RATES = (44100, 48000)
# PCM keeps loudness as mastered; only the gating blocks that straddle the
# pauses between parts (about 0.3 LU) and the meters' difference remain.
OFFSET_PRIOR_DB = 0.3
HEADROOM_PRIOR_DB = 0.1
SECONDS_PER_HOUR, SECONDS_PER_MINUTE = 3600, 60
CLOCK_DECIMALS = 3
SURE = 100  # RIFF/RF64 with WAVE


@dataclass(frozen=True)
class WavSection:
    """``[wav]``: Broadcast WAV output."""

    sample_rate: int = setting(one_of(lambda: PCM_RATES))  # 48000 is the broadcast norm
    bit_depth: int = setting(one_of(lambda: BIT_DEPTHS))


def metadata(finished: Finished, bits: int) -> WavMetadata:
    """The bext chunk, one cue point per chapter with its title, the INFO list and the tags in ID3."""
    tags, measured, rate = finished.tags, finished.loudness, finished.rate
    at = tags.recorded
    since_midnight = at.hour * SECONDS_PER_HOUR + at.minute * SECONDS_PER_MINUTE + at.second
    bext = Bext(
        description=f"{tags.title}: {finished.headline}" if finished.headline else tags.title,
        originator=tags.album,
        originator_reference=finished.reference,
        origination=at,
        time_reference=since_midnight * rate,
        loudness_value=measured.integrated,
        loudness_range=measured.loudness_range,
        max_true_peak=measured.true_peak,
        coding_history=f"A=PCM,F={rate},W={bits},M=mono,T=bulletin {__version__}\r\n",
    )
    cues = [CuePoint(start, chapter.title) for start, chapter in zip(finished.part_starts, tags.chapters, strict=True)]
    info = {
        "INAM": tags.title,
        "IART": tags.artist,
        "IPRD": tags.album,
        "ICRD": f"{at:%Y-%m-%d}",
        "IGNR": tags.genre,
        "ISFT": tags.encoded_by,
    }
    return WavMetadata(bext, cues, info, id3=names_tag(tags))


class WavEncoder(PcmParts):
    """Mono linear PCM in a Broadcast WAV: the parts joined as they are."""

    def __init__(self, section: WavSection, min_kbps: int = 0) -> None:
        super().__init__(section.bit_depth)  # PCM: no bitrate to choose

    @property
    def format(self) -> Format:
        return FORMAT

    def identity(self) -> str:
        return f"pcm s{self.bits}le mono"

    def join(self, parts: Iterable[bytes], path: Path, rate: int) -> None:
        write_wave(path, PcmFormat(rate, self.bits), parts)

    def meter(self, path: Path, rate: int) -> Meter:
        return StreamMeter(str(path), ["-f", f"s{self.bits}le", "-ar", str(rate), "-ac", "1"])

    def tag(self, path: Path, finished: Finished) -> None:
        set_metadata(path, metadata(finished, self.bits))

    def calibration_key(self) -> str:
        return f"pcm{self.bits}"

    def prior(self) -> Calibration:
        return Calibration(OFFSET_PRIOR_DB, HEADROOM_PRIOR_DB)


def score(head: bytes) -> int:
    """A RIFF or RF64 file of type WAVE."""
    return SURE if head[:4] in WAV_MAGIC and head[8:12] == b"WAVE" else 0


def inspect(path: Path) -> Inspection:
    """Read the chunks (format, bext, cue points and labels, INFO) and measure the audio with ffmpeg."""
    from bulletin.formats.inspection import measured, not_audio

    try:
        wave = read_wave(path)
    except struct.error:  # a chunk cut short: the file ends inside its header
        raise not_audio(path) from None
    except InputError:
        raise not_audio(path) from None
    loudness = measured(path, round(wave.duration, CLOCK_DECIMALS))
    meta, fmt = wave.metadata, wave.format
    chapters = tiled([(c.label, c.position / fmt.rate) for c in meta.cues], wave.duration)
    details = {}
    if meta.bext is not None:
        details["bext"] = {**asdict(meta.bext), "origination": meta.bext.origination.isoformat()}
    channels = "mono" if fmt.channels == 1 else f"{fmt.channels} channels"
    chunks = " + ".join(name for name, there in (("bext", meta.bext), ("INFO", meta.info)) if there) or None
    return Inspection(
        path=str(path),
        format=NAME,
        audio=f"{'RF64' if wave.rf64 else 'PCM'} {fmt.rate} Hz, {fmt.bits}-bit, {channels}",
        tags=dict(meta.info),
        chapters=chapters,
        loudness=loudness,
        tag_format=chunks,
        chapter_kind="cue points",
        details=details,
    )


FORMAT = Format(
    name=NAME,
    description="Broadcast WAV (EBU Tech 3285), 48 kHz PCM, cue points: radio playout",
    suffix=".wav",
    media_type="audio/wav",
    rates=PCM_RATES,
    Section=WavSection,
    encoder=WavEncoder,
    score=score,
    inspect=inspect,
    podcast=False,  # not among Apple's formats: the feed gets an MP3 rendition
)
