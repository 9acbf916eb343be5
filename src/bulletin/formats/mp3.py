"""MP3 output: everything MPEG-specific in one place.

Parts are CBR MPEG-1 Layer III frames that stand alone (no bit reservoir, no
Xing or ID3 header), so the finished file is the parts' frames one after
another, given an Info header when they are joined. Every part starts with
the encoder's delay in silence (ENCODER_DELAY samples as decoded) and ends on
a whole frame, inside the silence between chapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.formats.base import Calibration, Finished
from bulletin.media.ffmpeg import ffmpeg_identity, run_ffmpeg
from bulletin.formats import FORMATS, MP3
from bulletin.media.meter import StreamMeter
from bulletin.audio.profiles import Profile
from bulletin.core.errors import AudioError, ConfigError
from bulletin.core.pcm import INT16_MAX, INT16_MIN
from bulletin.formats.id3 import write_tags

if TYPE_CHECKING:
    import numpy as np

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
# LAME's encoder delay (576) plus the MP3 decoder's (529): silence before each part's audio.
ENCODER_DELAY = 1105
MPEG1_RATES = (44100, 48000, 32000)
MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
FRAME_SYNC = 0x7FF
# Bytes in a Layer III frame = this * kbps / rate (+ 1 when padded).
FRAME_BYTES_PER_KBPS_HZ = 144_000
MONO = 1
# How much quieter the finished file measures than its parts were mastered:
# LAME's quantisation at lower bitrates (no bit reservoir), plus the gating
# blocks that straddle the pauses between parts (about 0.3 LU). Measured on
# this project's bulletins at each bitrate (kbps; a lower one takes the next
# one up); each build's measurement then corrects it.
OFFSET_PRIOR_DB = {96: 0.7, 128: 0.7, 160: 0.6, 192: 0.5, 256: 0.35, 320: 0.35}
HEADROOM_PRIOR_DB = 0.5  # true peaks rise a little in encoding


@cache
def _identity() -> str:
    return f"{ffmpeg_identity()} libmp3lame cbr mono no-reservoir"


def count_frames(mp3: bytes) -> int:
    """Frames in a run of MPEG-1 Layer III frames (what our parts are)."""
    position = frames = 0
    while position + 4 <= len(mp3):
        header = int.from_bytes(mp3[position: position + 4], "big")
        rate_index, kbps_index = (header >> 10) & 3, (header >> 12) & 15
        if header >> 21 != FRAME_SYNC or rate_index == 3 or kbps_index in (0, 15):
            raise AudioError("the encoder wrote something other than MP3 frames; check the ffmpeg build.")
        padding = (header >> 9) & 1
        position += FRAME_BYTES_PER_KBPS_HZ * MPEG1_L3_KBPS[kbps_index] // MPEG1_RATES[rate_index] + padding
        frames += 1
    return frames


def encode_frames(samples: np.ndarray, rate: int, bitrate: str, quality: int = 5) -> bytes:
    """CBR MP3 frames that stand alone: LAME in the bundled ffmpeg, the samples piped in.

    No dither: 16-bit rounding noise lies some 80 dB under speech at -16 LUFS,
    far below what the encoder keeps.
    """
    import numpy as np

    pcm = np.clip(np.round(samples * INT16_MAX), INT16_MIN, INT16_MAX).astype("<i2")
    return run_ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", str(MONO), "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", bitrate,
         "-compression_level", str(quality), "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0",
         "-f", "mp3", "pipe:1"],
        what="encode MP3", data=pcm.tobytes(),
    )


def mp3_duration(path: Path) -> float:
    """Seconds, from the MP3's own header (encoder delay and padding excluded)."""
    from mutagen.mp3 import MP3 as MutagenMP3
    from mutagen.mp3 import HeaderNotFoundError

    try:
        return round(float(MutagenMP3(str(path)).info.length), 3)
    except HeaderNotFoundError:
        raise AudioError(f"{path} is not an MP3 file.") from None


class Mp3Encoder:
    """CBR MP3 through LAME, joined by copying frames."""

    format = FORMATS[MP3]
    delay = ENCODER_DELAY

    def identity(self) -> str:
        return _identity()

    def check_rate(self, rate: int) -> None:
        if rate not in MPEG1_RATES:
            raise ConfigError(f"[audio] sample_rate {rate} is not one of {', '.join(map(str, MPEG1_RATES))} "
                              "(MPEG-1 Layer III).")

    def encode(self, samples: np.ndarray, rate: int, profile: Profile) -> bytes:
        return encode_frames(samples, rate, profile.bitrate, profile.encoder_quality)

    def length(self, data: bytes) -> int:
        return count_frames(data) * SAMPLES_PER_FRAME

    def join(self, parts: Sequence[bytes], path: Path, rate: int) -> None:
        """The parts' frames one after another, given an Info header (frame count, CBR) by ffmpeg."""
        run_ffmpeg(["-f", "mp3", "-i", "pipe:0", "-c", "copy", "-write_xing", "1", "-id3v2_version", "0",
                    "-f", "mp3", "-y", str(path)], what=f"write {path}", data=b"".join(parts))

    def meter(self, label: str, rate: int) -> StreamMeter:
        return StreamMeter(label, ["-f", "mp3"])

    def duration(self, path: Path, samples: int, rate: int) -> float:
        return mp3_duration(path)

    def tag(self, path: Path, finished: Finished) -> None:
        write_tags(path, finished.tags)  # ID3v2.3 with chapters

    def calibration_key(self, profile: Profile) -> str:
        return profile.bitrate  # LAME's effect on loudness depends on the bitrate

    def prior(self, profile: Profile) -> Calibration:
        kbps = int(profile.bitrate.rstrip("k"))
        return Calibration(next((v for k, v in sorted(OFFSET_PRIOR_DB.items()) if kbps <= k), 0.0),
                           HEADROOM_PRIOR_DB)
