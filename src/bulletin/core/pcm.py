"""Facts about sampled audio that speech engines and mastering share, and the
one edge-silence trim they both use. No engine, no audio stage; numpy is
imported only when samples are trimmed, so configuration can use the facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MS_PER_S = 1000
BITS_PER_BYTE = 8
INT16_FULL_SCALE = 32768.0  # int16 samples / this = float samples in [-1, 1)
INT16_MAX, INT16_MIN = 32767, -32768
# Quieter than this (dBFS) counts as silence: at a segment's edges, and for QA's longest silence.
SILENCE_THRESHOLD_DB = -50.0


def loud_span(
    samples: np.ndarray, threshold_db: float = SILENCE_THRESHOLD_DB, keep: int = 0, full_scale: float = 1.0
) -> tuple[int, int]:
    """``(first, end)``: the samples from the first to the last louder than
    ``threshold_db`` (relative to ``full_scale``), with ``keep`` samples of the
    silence around them; ``(0, 0)`` when everything is silent."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples) > full_scale * 10 ** (threshold_db / 20))
    if len(loud) == 0:
        return 0, 0
    return max(0, int(loud[0]) - keep), min(len(samples), int(loud[-1]) + 1 + keep)


PCM_BLOCK = 1 << 18  # samples converted at once (6 s at 44.1 kHz)


def to_pcm(samples: np.ndarray, bits: int) -> bytes:
    """Float samples in [-1, 1) as little-endian signed PCM of ``bits`` bits (rounded, clipped)."""
    import numpy as np

    full = 1 << (bits - 1)
    width = bits // BITS_PER_BYTE
    out = bytearray()
    # A block at a time: the float64 arithmetic 24 bits need costs a block's worth of memory, not a minute's.
    for start in range(0, len(samples), PCM_BLOCK):
        block = samples[start : start + PCM_BLOCK].astype(np.float64) * full
        ints = np.clip(np.round(block, out=block), -full, full - 1, out=block).astype("<i4")
        out += ints.view(np.uint8).reshape(-1, 4)[:, :width].tobytes()
    return bytes(out)
