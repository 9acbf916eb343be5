"""The few signal-processing tools mastering needs, on numpy alone.

scipy.signal would do all of this, but importing it takes half a second, as
long as a whole re-build of a cached bulletin is allowed to take. Long
filters are finite impulse responses applied by FFT (overlap-save, in chunks
so that memory stays flat however long the bulletin is; several filters of
one signal share each chunk's transform), and the true-peak interpolator adds
shifted copies of the signal. IIR designs (K-weighting, all-pass) are turned into FIRs from
their exact frequency response; the tests check the results against scipy
and pyloudnorm.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

# A biquad as (b0, b1, b2, a0, a1, a2).
Biquad = tuple[float, float, float, float, float, float]

CHUNK = 1 << 16  # samples per overlap-save chunk
SPECTRA_KEPT = 8  # filters' transforms kept (K-weighting and the rotator at the chunk's size, and a few short ones)
IIR_AS_FIR_TAPS = 4096  # enough for K-weighting's 38 Hz high-pass to die away at 44.1 kHz
RESPONSE_POINTS = 1 << 15  # frequency grid for turning an IIR into an FIR
INTERPOLATOR_TAPS_PER_PHASE = 16
UPSAMPLE_STRETCH = 1 << 14  # samples interpolated at a time: a stretch's arithmetic stays in the cache
KAISER_BETA = 6.0


def _fast_length(n: int) -> int:
    """The smallest 2^a * 3^b * 5^c >= n: lengths the FFT is quick with."""
    best = 1 << max(n - 1, 0).bit_length()
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            candidate = power35 * (1 << max(math.ceil(math.log2(n / power35)), 0)) if power35 < n else power35
            best = min(best, candidate)
            power35 *= 3
        power5 *= 5
    return best


@lru_cache(maxsize=SPECTRA_KEPT)
def _spectrum(taps: bytes, size: int) -> np.ndarray:
    """The transform of a filter's taps (float32, as bytes) at ``size``: every part of a build uses
    the same two filters at the same size, so each is transformed once."""
    spectrum: np.ndarray = np.fft.rfft(np.frombuffer(taps, dtype=np.float32), size)
    return spectrum


def filtered_chunks(samples: np.ndarray, bank: Sequence[np.ndarray]) -> Iterator[tuple[int, list[np.ndarray]]]:
    """The samples through each filter of ``bank`` (taps of one length), a chunk at a time:
    ``(start, [output of each filter for samples[start:start + CHUNK]])``, the filters' delay kept.

    Overlap-save, in single precision: each chunk of input is transformed once, whatever the
    number of filters (K-weighting and the phase rotator share it), and each chunk of output is
    whole when it is handed on, so nothing as long as the input is held here.
    """
    n, reach = len(samples), len(bank[0]) - 1
    size = _fast_length(min(n, CHUNK) + reach)  # a short signal (a sounder, "Ja.") takes a short transform
    spectra = [_spectrum(taps.astype(np.float32).tobytes(), size) for taps in bank]
    signal = np.concatenate([np.zeros(reach, np.float32), samples.astype(np.float32)])  # the past before the start
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        spectrum = np.fft.rfft(signal[start : stop + reach], size)
        yield start, [np.fft.irfft(spectrum * taps, size)[reach : reach + stop - start] for taps in spectra]


def biquad_response(sections: Sequence[Biquad], points: int) -> np.ndarray:
    """The cascade's complex frequency response at ``points`` bins from 0 to Nyquist."""
    z = np.exp(-1j * np.linspace(0.0, math.pi, points))
    response = np.ones(points, dtype=np.complex128)
    for b0, b1, b2, a0, a1, a2 in sections:
        response *= (b0 + b1 * z + b2 * z * z) / (a0 + a1 * z + a2 * z * z)
    return response


def iir_as_fir(sections: Sequence[Biquad], taps: int = IIR_AS_FIR_TAPS) -> np.ndarray:
    """The impulse response of a (stable) biquad cascade, cut at ``taps``."""
    size = 2 * RESPONSE_POINTS
    return np.fft.irfft(biquad_response(sections, RESPONSE_POINTS + 1), size)[:taps]


def rbj_high_shelf(gain_db: float, q: float, corner_hz: float, rate: int) -> Biquad:
    """The RBJ cookbook high shelf (BS.1770's K-weighting, first stage)."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * corner_hz / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    root = 2 * math.sqrt(a) * alpha
    return (
        a * ((a + 1) + (a - 1) * cos + root),
        -2 * a * ((a - 1) + (a + 1) * cos),
        a * ((a + 1) + (a - 1) * cos - root),
        (a + 1) - (a - 1) * cos + root,
        2 * ((a - 1) - (a + 1) * cos),
        (a + 1) - (a - 1) * cos - root,
    )


def rbj_high_pass(q: float, corner_hz: float, rate: int) -> Biquad:
    """The RBJ cookbook high-pass (BS.1770's K-weighting, second stage)."""
    w0 = 2 * math.pi * corner_hz / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    return ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)


def all_pass(q: float, corner_hz: float, rate: int) -> Biquad:
    """A second-order all-pass: it shifts phase around ``corner_hz`` and nothing else."""
    w0 = 2 * math.pi * corner_hz / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    return (1 - alpha, -2 * cos, 1 + alpha, 1 + alpha, -2 * cos, 1 - alpha)


def _interpolator(factor: int) -> np.ndarray:
    """A Kaiser-windowed sinc for upsampling by ``factor``: odd length, centred on
    a tap, zero at every other original sample, so it passes the samples through."""
    half = INTERPOLATOR_TAPS_PER_PHASE * factor // 2
    t = np.arange(-half, half + 1)
    return np.sinc(t / factor) * np.kaiser(2 * half + 1, KAISER_BETA)


def between_samples(samples: np.ndarray, factor: int) -> np.ndarray:
    """The band-limited signal between the samples: row p - 1 holds it at n + p/factor, for
    p = 1 .. factor-1 (p = 0 would be the samples themselves).

    Polyphase: the interpolator's taps p, p+factor, ... make phase p's filter,
    and its centre sits ``half`` upsampled samples (``half // factor`` input
    samples) in. Each phase is its taps' shifted copies of the signal added up,
    a stretch at a time: plain elementwise arithmetic in the cache (no BLAS,
    whose threads would fight the mastering workers for the cores, and whose
    buffers would add to the peak memory).
    """
    signal = np.asarray(samples, dtype=np.float32)
    n = len(signal)
    between = np.zeros((factor - 1, n), dtype=np.float32)
    if n == 0:  # no samples, nothing between them
        return between
    taps = _interpolator(factor)
    lag = (len(taps) // 2) // factor
    width = INTERPOLATOR_TAPS_PER_PHASE
    # Output n of phase p is sum_k taps[p + factor * k] * signal[n + lag - k]: `width` samples
    # ending at n + lag, against the phase's taps reversed.
    kernel = np.stack([taps[p::factor][:width][::-1] for p in range(1, factor)]).astype(np.float32)
    padded = np.concatenate([np.zeros(width - 1 - lag, np.float32), signal, np.zeros(lag, np.float32)])
    scratch = np.empty(min(UPSAMPLE_STRETCH, n), dtype=np.float32)
    for start in range(0, n, UPSAMPLE_STRETCH):
        stop = min(start + UPSAMPLE_STRETCH, n)
        term = scratch[: stop - start]
        for phase, row in zip(kernel, between[:, start:stop], strict=True):
            for shift, tap in enumerate(phase):
                np.multiply(padded[start + shift : stop + shift], tap, out=term)
                row += term
    return between


def upsample_phases(samples: np.ndarray, factor: int) -> list[np.ndarray]:
    """The band-limited signal at n + p/factor, for p = 0 .. factor-1 (p = 0 is the input)."""
    return [np.asarray(samples, dtype=np.float32), *between_samples(samples, factor)]


def resample(samples: np.ndarray, rate_from: int, rate_to: int) -> np.ndarray:
    """Band-limited resampling: polyphase for 2x (espeak-ng's 22.05 to 44.1 kHz),
    the FFT for other ratios."""
    if rate_from == rate_to or len(samples) == 0:
        return samples.astype(np.float32)
    if rate_to == 2 * rate_from:
        even, odd = upsample_phases(samples, 2)
        out = np.empty(2 * len(samples), dtype=np.float32)
        out[0::2], out[1::2] = even, odd
        return out
    # The FFT of a length with a large prime factor takes Bluestein's way round: buffers of several
    # times the signal (hundreds of MB for a minute of speech). Padded with silence to a length the
    # ratio divides and whose other factors are 2, 3 and 5, both transforms stay fast and small.
    step = rate_from // math.gcd(rate_from, rate_to)
    padded = step * smooth(-(-len(samples) // step))
    length = padded * rate_to // rate_from
    spectrum = np.fft.rfft(samples, padded)
    resampled = np.fft.irfft(spectrum, length) * (length / padded)
    return resampled[: round(len(samples) * rate_to / rate_from)].astype(np.float32)


def smooth(n: int) -> int:
    """The smallest number at least ``n`` with no prime factor above 5 (a fast FFT length)."""
    best = 1 << max(n - 1, 0).bit_length()  # a power of two: always smooth
    fives = 1
    while fives < best:
        threes = fives
        while threes < best:
            twos = threes * (1 << max(-(-n // threes) - 1, 0).bit_length())  # the power of two that reaches n
            best = min(best, twos)
            threes *= 3
        fives *= 5
    return best


def trailing_min(values: np.ndarray, width: int) -> np.ndarray:
    """out[n] = min(values[n - width + 1 .. n]), the first value standing in before the start."""
    if width <= 1 or len(values) == 0:
        return values
    padded = np.concatenate([np.full(width - 1, values[0]), values])
    minima: np.ndarray = np.lib.stride_tricks.sliding_window_view(padded, width).min(axis=1)
    return minima
