"""MP3 output: everything MPEG-specific in one place.

Parts are CBR MPEG-1 Layer III frames, encoded in this process by LAME (the
``lameenc`` binding) from a fresh encoder each, with no Xing or ID3 header.
LAME's bit reservoir lends bits between frames of one part only: a part's
first frame borrows nothing (its main_data_begin is 0), so parts stand alone
and the finished file is the parts' frames one after another, given an Info
header (by ffmpeg's muxer) when they are joined. Every part starts with the
encoder's delay in silence (ENCODER_DELAY samples as decoded) and ends on a
whole frame, inside the silence between chapters. Tags are ID3v2.3
(:mod:`bulletin.formats.id3`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.errors import AudioError
from bulletin.core.pcm import INT16_MAX, INT16_MIN
from bulletin.core.schema import one_of, setting
from bulletin.formats.base import Calibration, Finished, Format, Inspection
from bulletin.formats.id3 import read_id3, write_id3
from bulletin.media.ffmpeg import run_ffmpeg
from bulletin.media.meter import Meter, StreamMeter

if TYPE_CHECKING:
    import numpy as np

NAME = "mp3"
SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
# LAME's encoder delay (576) plus the MP3 decoder's (529): silence before each part's audio.
ENCODER_DELAY = 1105
MPEG1_RATES = (44100, 48000, 32000)
MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
FRAME_SYNC = 0x7FF
# Bytes in a Layer III frame = this * kbps / rate (+ 1 when padded).
FRAME_BYTES_PER_KBPS_HZ = 144_000
MONO = 1
# LAME's -q. 5 is LAME's own default, good for speech at podcast bitrates (3 costs
# 20% more time for nothing audible in speech); from FAST_FROM_KBPS on, the bits
# spare what the faster search (7) gives away.
QUALITY, FAST_QUALITY, FAST_FROM_KBPS = 5, 7, 256
LAMEENC = "lameenc"  # the distribution of the LAME binding, whose version names the encoder
ENCODE_BLOCK = 1 << 16  # samples handed to LAME at once (1.5 s at 44.1 kHz)
# How much quieter the finished file measures than its parts were mastered:
# LAME's quantisation at lower bitrates, plus the gating blocks that straddle
# the pauses between parts (about 0.3 LU). Measured on this project's
# bulletins at each bitrate (kbps; a lower one takes the next one up); each
# build's measurement then corrects it.
OFFSET_PRIOR_DB = {96: 0.7, 128: 0.7, 160: 0.6, 192: 0.5, 256: 0.35, 320: 0.35}
HEADROOM_PRIOR_DB = 0.5  # true peaks rise a little in encoding
ID3_MAGIC = b"ID3"
SURE, LIKELY = 100, 50  # an ID3 tag; a frame header at the first byte


@dataclass(frozen=True)
class Mp3Section:
    """``[mp3]``: MP3 output."""

    sample_rate: int = setting(one_of(lambda: sorted(MPEG1_RATES)))
    bitrate: int = setting(one_of(lambda: MPEG1_L3_KBPS[1:]))  # kbps, CBR; a profile may ask more


def count_frames(mp3: bytes) -> int:
    """Frames in a run of MPEG-1 Layer III frames (what our parts are)."""
    position = frames = 0
    while position + 4 <= len(mp3):
        header = int.from_bytes(mp3[position : position + 4], "big")
        rate_index, kbps_index = (header >> 10) & 3, (header >> 12) & 15
        if header >> 21 != FRAME_SYNC or rate_index == 3 or kbps_index in (0, 15):
            raise AudioError("the encoder wrote something other than MP3 frames; check the lameenc install.")
        padding = (header >> 9) & 1
        position += FRAME_BYTES_PER_KBPS_HZ * MPEG1_L3_KBPS[kbps_index] // MPEG1_RATES[rate_index] + padding
        frames += 1
    return frames


def encode_frames(samples: np.ndarray, rate: int, kbps: int, quality: int = QUALITY) -> bytes:
    """CBR MP3 frames that stand alone: LAME in this process, from a fresh encoder (so the first
    frame borrows no bits), flushed to a whole frame.

    No dither: 16-bit rounding noise lies some 80 dB under speech at -16 LUFS,
    far below what the encoder keeps. LAME lets go of the GIL while it encodes,
    so parts encode on every core at once.
    """
    # The binding loads only when a part is encoded: a rebuild from stored parts needs none.
    import lameenc
    import numpy as np

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)  # never resampled: the frames are at the bulletin's rate
    encoder.set_channels(MONO)
    encoder.set_quality(quality)
    encoder.silence()  # LAME's notes on stdout are not ours to print
    frames = bytearray()
    try:
        # A block at a time (LAME makes the same frames however its input is cut): the part's
        # 16-bit copy and LAME's output buffer for it are never all in memory at once.
        for start in range(0, len(samples), ENCODE_BLOCK):
            block = samples[start : start + ENCODE_BLOCK]
            frames += encoder.encode(np.clip(np.round(block * INT16_MAX), INT16_MIN, INT16_MAX).astype("<i2").tobytes())
        frames += encoder.flush()
    except RuntimeError as exc:  # a setting LAME refused, or its own failure
        raise AudioError(f"LAME could not encode MP3 ({exc}); check the [mp3] settings.") from None
    return bytes(frames)


@cache
def lame_identity() -> str:
    """Which LAME this is: the binding's version (it bundles its own LAME), read once."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{LAMEENC} {version(LAMEENC)}"
    except PackageNotFoundError:  # imported from somewhere pip does not know: name it by its file
        import lameenc

        return f"{LAMEENC} {Path(str(lameenc.__file__)).name}"


def mp3_duration(path: Path) -> float:
    """Seconds, from the MP3's own header (encoder delay and padding excluded)."""
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        return round(float(MP3(str(path)).info.length), 3)
    except HeaderNotFoundError:
        raise AudioError(f"{path} is not an MP3 file.") from None


class Mp3Encoder:
    """CBR MP3 through LAME (in this process), joined by copying frames."""

    delay = ENCODER_DELAY
    keep_joined = False  # its frames join by copying

    def __init__(self, section: Mp3Section, min_kbps: int) -> None:
        # The configured bitrate, or the next one MPEG-1 has at or above what the profile asks.
        self.kbps = next((k for k in MPEG1_L3_KBPS if k >= max(section.bitrate, min_kbps)), MPEG1_L3_KBPS[-1])
        self.quality = FAST_QUALITY if self.kbps >= FAST_FROM_KBPS else QUALITY

    @property
    def format(self) -> Format:
        return FORMAT

    def identity(self) -> str:
        return f"{lame_identity()} cbr mono {self.kbps}k q{self.quality}"

    def encode(self, samples: np.ndarray, rate: int) -> bytes:
        return encode_frames(samples, rate, self.kbps, self.quality)

    def length(self, data: bytes) -> int:
        return count_frames(data) * SAMPLES_PER_FRAME

    def join(self, parts: Iterable[bytes], path: Path, rate: int) -> None:
        """The parts' frames one after another, given an Info header (frame count, CBR) by ffmpeg."""
        run_ffmpeg(
            [
                "-f",
                "mp3",
                "-i",
                "pipe:0",
                "-c",
                "copy",
                "-write_xing",
                "1",
                "-id3v2_version",
                "0",
                "-f",
                "mp3",
                "-y",
                str(path),
            ],
            what=f"write {path}",
            data=parts,
        )

    def meter(self, path: Path, rate: int) -> Meter:
        return StreamMeter(str(path), ["-f", "mp3"])

    def duration(self, path: Path, samples: int, rate: int) -> float:
        return mp3_duration(path)

    def tag(self, path: Path, finished: Finished) -> None:
        write_id3(path, finished.tags)  # ID3v2.3 with chapters

    def calibration_key(self) -> str:
        return f"{self.kbps}k"  # LAME's effect on loudness depends on the bitrate

    def prior(self) -> Calibration:
        offset = next((v for k, v in sorted(OFFSET_PRIOR_DB.items()) if self.kbps <= k), 0.0)
        return Calibration(offset, HEADROOM_PRIOR_DB)


def score(head: bytes) -> int:
    """An ID3 tag, or an MPEG audio frame header at the very start."""
    if head.startswith(ID3_MAGIC):
        return SURE
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return LIKELY
    return 0


def inspect(path: Path) -> Inspection:
    """Read the ID3 tag with mutagen and measure the audio with ffmpeg."""
    from mutagen import MutagenError

    from bulletin.formats.inspection import measured, not_audio

    try:
        duration = mp3_duration(path)
        loudness = measured(path, duration)
        tags = read_id3(path)
        info = _stream_info(path)
    except (AudioError, MutagenError):
        raise not_audio(path) from None
    if tags is None:
        return Inspection(str(path), NAME, info, {}, [], loudness)
    return Inspection(
        str(path),
        NAME,
        info,
        tags.frames,
        tags.chapters,
        loudness,
        tag_format=f"ID3v{tags.version}",
        cover=tags.cover,
        transcript_chars=tags.transcript_chars,
        details={"id3_version": tags.version},
    )


def _stream_info(path: Path) -> str:
    from mutagen.mp3 import MP3

    info = MP3(str(path)).info
    channels = "mono" if info.channels == 1 else f"{info.channels} channels"
    return (
        f"MPEG-{info.version:g} Layer {'I' * info.layer} {info.sample_rate} Hz, {info.bitrate // 1000} kbps, {channels}"
    )


FORMAT = Format(
    name=NAME,
    description="MP3 (CBR), ID3v2.3 tags and chapters: podcasts",
    suffix=".mp3",
    media_type="audio/mpeg",
    rates=MPEG1_RATES,
    Section=Mp3Section,
    encoder=Mp3Encoder,
    score=score,
    inspect=inspect,
)
