"""The ffmpeg binary from the imageio-ffmpeg wheel, and decoding compressed speech.

A leaf module: the online speech engines (which answer with MP3) and the audio
stage both use it, so neither has to import the other.
"""

from __future__ import annotations

import subprocess
import tempfile
from functools import cache
from typing import TYPE_CHECKING

from bulletin.errors import AudioError

if TYPE_CHECKING:
    import numpy as np


@cache
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg (no system ffmpeg needed)."""
    import imageio_ffmpeg

    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise AudioError(
            f"ffmpeg not found ({exc}). Probable cause: no imageio-ffmpeg binary for this "
            "platform; install ffmpeg and set IMAGEIO_FFMPEG_EXE to its path."
        ) from None


def decode_bytes(data: bytes, sample_rate: int) -> np.ndarray:
    """Encoded audio (MP3, say) in memory to mono int16 samples at ``sample_rate``."""
    import numpy as np

    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-ac", "1",
               "-ar", str(sample_rate), "-f", "s16le", "pipe:1"]
    # From a file, not through communicate(): it feeds a pipe 512 bytes at a time.
    with tempfile.TemporaryFile() as feed:
        feed.write(data)
        feed.seek(0)
        result = subprocess.run(command, stdin=feed, capture_output=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise AudioError(f"ffmpeg could not decode audio: {detail[-1] if detail else 'no message'}.")
    return np.frombuffer(result.stdout, dtype=np.int16)
