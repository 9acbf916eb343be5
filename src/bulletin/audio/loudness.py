"""Loudness per ITU-R BS.1770, and a master that meets a loudness target under
a true-peak ceiling.

Mastering works on gain curves over a signal analysed once, in blocks of
CONTROL_BLOCK samples: its K-weighted energy (the RBJ K-weighting filters, as
pyloudnorm uses them) and its true peak (4x oversampled, as BS.1770 annex 2
describes). A gain curve that changes slowly compared with a block scales
both alike, so the search for the right gain costs microseconds per try; the
finished file is then measured for real (see :mod:`bulletin.media.meter`).
The tests hold this meter to pyloudnorm's readings.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from bulletin.audio.dsp import (
    INTERPOLATOR_TAPS_PER_PHASE,
    all_pass,
    between_samples,
    filtered_chunks,
    iir_as_fir,
    rbj_high_pass,
    rbj_high_shelf,
    trailing_min,
)
from bulletin.core.errors import AudioError

TRUE_PEAK_OVERSAMPLING = 4
# Analysis resolution: 32 samples is 0.7 ms at 44.1 kHz.
CONTROL_BLOCK = 32
# Gain curves are applied (and true peaks found) in chunks of this many blocks, to keep memory flat.
CHUNK_BLOCKS = 8192
# BS.1770-4 gating: 400 ms blocks every 100 ms, absolute gate at -70 LUFS,
# relative gate 10 LU under the absolutely gated loudness.
GATE_BLOCK_S = 0.4
GATE_STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
LOUDNESS_OFFSET = -0.691
# K-weighting as in BS.1770 (pyloudnorm's "K-weighting" filter class):
# a +4 dB shelf above 1.5 kHz and a high-pass at 38 Hz.
K_SHELF = (4.0, 1 / math.sqrt(2), 1500.0)  # gain dB, Q, corner Hz
K_HIGH_PASS = (0.5, 38.0)  # Q, corner Hz
# Limiter, in two stages. The smooth stage starts pulling down up to 5 ms
# ahead of a peak, holds the gain longer than a voice's pitch period (so it
# does not buzz with the pulses), then recovers; it lets peaks through up to
# PEAK_SHAVE_DB over the ceiling. The fast stage shaves those last decibels
# off individual glottal pulses, which synthetic voices make very sharp: that
# is what lets them reach -14 LUFS under -2 dBTP without pumping.
LIMITER_ATTACK_DB_PER_S = 1000.0
LIMITER_HOLD_S = 0.02
LIMITER_RELEASE_DB_PER_S = 200.0
PEAK_SHAVE_DB = 3.0
SHAVE_ATTACK_DB_PER_S = 3000.0
SHAVE_RELEASE_DB_PER_S = 3000.0
# Phase rotation: all-pass sections spread the sharp glottal pulses of
# synthetic speech in time, lowering peaks by about 2 dB without changing
# the spectrum, so the limiter has less to do.
PHASE_ROTATOR_HZ = (150.0, 230.0, 350.0, 540.0, 830.0, 1270.0, 1950.0, 3000.0)
PHASE_ROTATOR_Q = 1.0
# The gain search.
MASTER_PASSES = 12
MASTER_PRECISION_LU = 0.02
MAX_STEP_DB = 6.0
MAX_DRIVE_DB = 15.0  # beyond this much limiting the target is out of reach
SILENT_DB = -200.0


def db_to_gain(db: float | np.ndarray) -> float | np.ndarray:
    """Decibels to a linear factor."""
    return np.power(10.0, np.asarray(db) / 20) if isinstance(db, np.ndarray) else float(10 ** (db / 20))


# --- analysis -----------------------------------------------------------------


def block_count(samples: int) -> int:
    """Control blocks needed to hold ``samples`` samples (the last one padded)."""
    return -(-samples // CONTROL_BLOCK)


def pad_blocks(samples: np.ndarray) -> np.ndarray:
    """Samples (as float32) zero-padded to whole control blocks."""
    padded = np.zeros(block_count(len(samples)) * CONTROL_BLOCK, dtype=np.float32)
    padded[: len(samples)] = samples
    return padded


def block_peaks(samples: np.ndarray) -> np.ndarray:
    """True peak (linear) of each control block, 4x oversampled per BS.1770."""
    padded = pad_blocks(samples)
    peaks = np.abs(padded).reshape(-1, CONTROL_BLOCK).max(axis=1)
    # Oversampled a stretch at a time (with the interpolator's reach of real neighbours on each side,
    # so every value is the one the whole signal gives): memory stays that of a stretch.
    stretch, reach = CHUNK_BLOCKS * CONTROL_BLOCK, INTERPOLATOR_TAPS_PER_PHASE
    for start in range(0, len(padded), stretch):
        end = min(start + stretch, len(padded))
        low, high = max(0, start - reach), min(len(padded), end + reach)
        blocks = peaks[start // CONTROL_BLOCK : end // CONTROL_BLOCK]
        between = between_samples(padded[low:high], TRUE_PEAK_OVERSAMPLING)[:, start - low : end - low]
        inner = np.abs(between).reshape(TRUE_PEAK_OVERSAMPLING - 1, -1, CONTROL_BLOCK).max(axis=(0, 2))
        np.maximum(blocks, inner, out=blocks)
    result: np.ndarray = peaks
    return result


@cache
def _k_weighting(rate: int) -> np.ndarray:
    taps: np.ndarray = iir_as_fir([rbj_high_shelf(*K_SHELF, rate), rbj_high_pass(*K_HIGH_PASS, rate)])
    return taps


def _energies_of(weighted: np.ndarray) -> np.ndarray:
    """Sum of squares of each control block of K-weighted samples (whole blocks)."""
    squares = np.square(weighted.astype(np.float64))
    energies: np.ndarray = squares.reshape(-1, CONTROL_BLOCK).sum(axis=1)
    return energies


def block_energies(samples: np.ndarray, rate: int) -> np.ndarray:
    """K-weighted energy (sum of squares) of each control block."""
    padded = pad_blocks(samples)
    energies = np.empty(len(padded) // CONTROL_BLOCK)
    for start, (weighted,) in filtered_chunks(padded, [_k_weighting(rate)]):
        energies[start // CONTROL_BLOCK : (start + len(weighted)) // CONTROL_BLOCK] = _energies_of(weighted)
    return energies


def analyse(samples: np.ndarray, rate: int, rotate: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Everything mastering needs to know of ``samples``, in one pass over them: the samples
    padded to whole blocks (phase-rotated, with ``rotate``), each block's K-weighted energy (of
    the samples as given: an all-pass leaves loudness as it is) and each block's true peak in dB
    (of what is returned). K-weighting and the rotator share each chunk's transform."""
    padded = pad_blocks(samples)
    energies = np.empty(len(padded) // CONTROL_BLOCK)
    bank = [_k_weighting(rate), *([_phase_rotator(rate)] if rotate else [])]
    out = np.empty_like(padded) if rotate else padded
    for start, (weighted, *rotated) in filtered_chunks(padded, bank):
        energies[start // CONTROL_BLOCK : (start + len(weighted)) // CONTROL_BLOCK] = _energies_of(weighted)
        if rotated:
            out[start : start + len(weighted)] = rotated[0]
    return out, energies, peaks_db(out)


def mean_loudness(energies: np.ndarray, rate: int) -> float:
    """Ungated loudness (LUFS) of the whole, for audio shorter than one gating block;
    -inf when silent or quieter than the absolute gate."""
    total = float(np.sum(energies))
    if total <= 0:
        return -math.inf
    loudness = LOUDNESS_OFFSET + 10 * math.log10(total / (len(energies) * CONTROL_BLOCK))
    return loudness if loudness > ABSOLUTE_GATE_LUFS else -math.inf


def gated_loudness(energies: np.ndarray, rate: int) -> float:
    """BS.1770-4 integrated loudness (LUFS) from control-block energies; -inf when silent."""
    per_block = GATE_BLOCK_S * rate / CONTROL_BLOCK
    step = GATE_STEP_S * rate / CONTROL_BLOCK
    count = int((len(energies) - per_block) // step) + 1
    if count < 1:
        return -math.inf
    cumulative = np.concatenate([[0.0], np.cumsum(energies)])
    starts = np.round(np.arange(count) * step).astype(np.int64)
    ends = np.minimum(np.round(starts + per_block).astype(np.int64), len(energies))
    mean_square = (cumulative[ends] - cumulative[starts]) / (GATE_BLOCK_S * rate)
    with np.errstate(divide="ignore"):
        block_loudness = LOUDNESS_OFFSET + 10 * np.log10(mean_square)
    above_absolute = block_loudness > ABSOLUTE_GATE_LUFS
    if not above_absolute.any():
        return -math.inf
    relative = LOUDNESS_OFFSET + 10 * math.log10(mean_square[above_absolute].mean()) + RELATIVE_GATE_LU
    gated = mean_square[above_absolute & (block_loudness > relative)]
    return float(LOUDNESS_OFFSET + 10 * math.log10(gated.mean()))


def peaks_db(samples: np.ndarray) -> np.ndarray:
    """Each control block's true peak in dBTP (silence at SILENT_DB)."""
    levels: np.ndarray = 20 * np.log10(np.maximum(block_peaks(samples), db_to_gain(SILENT_DB)))
    return levels


# --- processing -----------------------------------------------------------------


@cache
def _phase_rotator(rate: int) -> np.ndarray:
    return iir_as_fir([all_pass(PHASE_ROTATOR_Q, corner, rate) for corner in PHASE_ROTATOR_HZ])


def ramp_gain(
    need_db: np.ndarray, rate: int, attack_db_per_s: float, release_db_per_s: float, hold_s: float = 0.0
) -> np.ndarray:
    """The smoothest gain (dB, at control-block boundaries: one value more than
    blocks) that is at most ``need_db`` in every block, falling no faster than
    the attack and rising no faster than the release, after holding ``hold_s``.

    Straight ramps in dB make both limits running minima over lines, which
    numpy computes in one pass: g[n] = min over k <= n of (need[k] + r * (n - k)).
    """
    need = np.asarray(need_db, dtype=np.float64)
    hold = int(hold_s * rate / CONTROL_BLOCK)
    if hold > 1:  # keep each block's need for the next `hold` blocks too
        need = trailing_min(need, hold)
    step = np.arange(len(need), dtype=np.float64)
    release = release_db_per_s * CONTROL_BLOCK / rate
    attack = attack_db_per_s * CONTROL_BLOCK / rate
    gain = np.minimum.accumulate(need - release * step) + release * step
    gain = np.minimum.accumulate((gain + attack * step)[::-1])[::-1] - attack * step
    # A boundary takes the lower of its two blocks, so the straight line
    # between two boundaries never rises above either block's need.
    return np.minimum(np.append(gain[:1], gain), np.append(gain, gain[-1:]))


def limiter_gain(peaks_db: np.ndarray, ceiling_db: float, rate: int) -> np.ndarray:
    """Gain (dB, at control-block boundaries) that keeps every block's true peak under ``ceiling_db``.

    The two stages' gains add. The fast stage works on the peaks the smooth
    stage leaves, taking for each block the larger of its two boundary gains,
    so the sum stays under the ceiling everywhere in the block.
    """
    peaks = peaks_db.astype(np.float64)
    smooth = ramp_gain(
        np.minimum(0.0, ceiling_db + PEAK_SHAVE_DB - peaks),
        rate,
        LIMITER_ATTACK_DB_PER_S,
        LIMITER_RELEASE_DB_PER_S,
        LIMITER_HOLD_S,
    )
    left = peaks + np.maximum(smooth[:-1], smooth[1:])
    fast = ramp_gain(np.minimum(0.0, ceiling_db - left), rate, SHAVE_ATTACK_DB_PER_S, SHAVE_RELEASE_DB_PER_S)
    gains: np.ndarray = smooth + fast
    return gains


def apply_gain(samples: np.ndarray, boundary_db: np.ndarray) -> np.ndarray:
    """Apply a gain curve given in dB at control-block boundaries (one more than the blocks).

    Within a block the factor moves in a straight line from one boundary's to the next: never
    above the larger of the two, which is what the limiter counts on. (A straight line in dB
    would differ by under 0.01 dB at the limiter's fastest ramps, and costs an exponential per
    sample.)
    """
    factors = np.asarray(db_to_gain(boundary_db), dtype=np.float32)
    ramp = np.arange(CONTROL_BLOCK, dtype=np.float32) / CONTROL_BLOCK
    out = np.empty(len(samples), dtype=np.float32)
    chunk = CHUNK_BLOCKS * CONTROL_BLOCK
    for start in range(0, len(samples), chunk):
        stop = min(start + chunk, len(samples))
        first, blocks = start // CONTROL_BLOCK, block_count(stop - start)
        left, right = factors[first : first + blocks], factors[first + 1 : first + blocks + 1]
        curve = (left[:, np.newaxis] + (right - left)[:, np.newaxis] * ramp).ravel()
        out[start:stop] = samples[start:stop] * curve[: stop - start]
    return out


class Master:
    """Brings a signal to a loudness target under a true-peak ceiling.

    The loudness that counts is that of ``measure`` (a sample range: the
    speech, not the sounders around it), or of everything. The limiter takes
    some loudness away, so the gain is found by the secant method on
    gain -> loudness; the limiter always acts last.
    """

    def __init__(
        self,
        samples: np.ndarray,
        rate: int,
        energies: np.ndarray,
        peaks: np.ndarray,
        measure: tuple[int, int] | None = None,
    ) -> None:
        """``energies`` and ``peaks`` (dB) per control block: see block_energies and peaks_db."""
        self.samples, self.rate, self.energies, self.peaks_db = samples, rate, energies, peaks
        first, last = (measure[0] // CONTROL_BLOCK, block_count(measure[1])) if measure else (0, None)
        self.measured = slice(first, last)
        self.loudness = gated_loudness(self.energies[self.measured], rate)
        if not math.isfinite(self.loudness):
            self.measured = slice(0, None)  # what is to be measured is silent: the whole counts
            self.loudness = gated_loudness(self.energies, rate)
        # Shorter than one gating block ("Ja." on its own, `bulletin say Hallo`): its mean loudness counts.
        self._meter = gated_loudness if math.isfinite(self.loudness) else mean_loudness
        self.loudness = self._meter(self.energies, rate)
        if not math.isfinite(self.loudness):
            raise AudioError("the audio is silent; nothing to master.")

    def _curve(self, gain_db: float, ceiling_db: float) -> np.ndarray:
        """Boundary gains (dB): ``gain_db``, limited under the ceiling."""
        return gain_db + limiter_gain(self.peaks_db + gain_db, ceiling_db, self.rate)

    def _loudness_at(self, gain_db: float, ceiling_db: float) -> float:
        curve = self._curve(gain_db, ceiling_db)
        block_gain = (curve[:-1] + curve[1:]) / 2
        energies = (self.energies * np.power(10.0, block_gain / 10))[self.measured]
        return self._meter(energies, self.rate)

    def master(self, target_lufs: float, ceiling_db: float) -> tuple[np.ndarray, float]:
        """The mastered audio and the loudness it measures (of the measured range)."""
        start = gain = target_lufs - self.loudness
        measured = self._loudness_at(gain, ceiling_db)
        previous: tuple[float, float] | None = None
        for _ in range(MASTER_PASSES):
            miss = target_lufs - measured
            if abs(miss) <= MASTER_PRECISION_LU:
                break
            step = miss
            if previous is not None and abs(measured - previous[1]) > 1e-6:
                step = miss * (gain - previous[0]) / (measured - previous[1])
            previous = (gain, measured)
            gain += max(-MAX_STEP_DB, min(MAX_STEP_DB, step))
            if gain - start > MAX_DRIVE_DB:
                raise AudioError(
                    f"cannot reach {target_lufs:g} LUFS under {ceiling_db:g} dBTP without crushing "
                    "the voice; lower the loudness target or raise the true-peak ceiling."
                )
            measured = self._loudness_at(gain, ceiling_db)
        return apply_gain(self.samples, self._curve(gain, ceiling_db)), measured
