"""Our numpy-only DSP against scipy's, the reference implementations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly, sosfilt

from bulletin.audio import dsp

RATE = 44100
rng = np.random.default_rng(11)
NOISE = rng.standard_normal(3 * RATE).astype(np.float32) * 0.2
# Interpolators differ only near Nyquist, where audio has (almost) nothing: compare on 0.8 of the band.
BAND_LIMITED = np.fft.irfft(
    np.fft.rfft(NOISE) * (np.arange(len(NOISE) // 2 + 1) < 0.8 * len(NOISE) / 2), len(NOISE)
).astype(np.float32)


def _sos(sections):
    return np.array([[b0 / a0, b1 / a0, b2 / a0, 1.0, a1 / a0, a2 / a0] for b0, b1, b2, a0, a1, a2 in sections])


@pytest.mark.parametrize(
    "sections",
    [
        [dsp.rbj_high_shelf(4.0, 1 / np.sqrt(2), 1500.0, RATE), dsp.rbj_high_pass(0.5, 38.0, RATE)],  # K-weighting
        [dsp.all_pass(1.0, f, RATE) for f in (150.0, 540.0, 3000.0)],
    ],
)
def test_iir_as_fir_matches_scipys_iir_filter(sections):
    taps = dsp.iir_as_fir(sections)
    ours = np.concatenate([filtered for _, (filtered,) in dsp.filtered_chunks(NOISE, [taps])])
    theirs = sosfilt(_sos(sections), NOISE.astype(np.float64))
    assert np.max(np.abs(ours - theirs)) < 1e-4 * np.max(np.abs(theirs))


def test_filters_sharing_a_transform_give_what_each_gives_alone():
    """K-weighting and the phase rotator share each chunk's FFT: each output is its filter's own,
    across chunk boundaries (the signal is longer than one chunk)."""
    long = np.tile(NOISE, 2)  # 6 s: several chunks
    k_weighting = dsp.iir_as_fir(
        [dsp.rbj_high_shelf(4.0, 1 / np.sqrt(2), 1500.0, RATE), dsp.rbj_high_pass(0.5, 38.0, RATE)]
    )
    rotator = dsp.iir_as_fir([dsp.all_pass(1.0, f, RATE) for f in (150.0, 540.0, 3000.0)])
    chunks = list(dsp.filtered_chunks(long, [k_weighting, rotator]))
    assert len(chunks) > 1
    for index, taps in enumerate((k_weighting, rotator)):
        ours = np.concatenate([outputs[index] for _, outputs in chunks])
        theirs = np.convolve(long.astype(np.float64), taps)[: len(long)]
        assert np.max(np.abs(ours - theirs)) < 1e-5 * np.max(np.abs(theirs))


def test_all_pass_keeps_the_spectrum():
    response = dsp.biquad_response([dsp.all_pass(1.0, 300.0, RATE)], 1000)
    assert np.allclose(np.abs(response), 1.0)


def test_doubling_the_rate_matches_scipy():
    low = BAND_LIMITED[:RATE].astype(np.float64)
    ours = dsp.resample(low.astype(np.float32), 22050, 44100)
    theirs = resample_poly(low, 2, 1)
    inner = slice(500, -500)
    assert np.max(np.abs(ours[inner] - theirs[inner])) < 0.01 * np.max(np.abs(theirs))


def test_fft_resampling_keeps_a_tone():
    t = np.arange(24000) / 24000
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    out = dsp.resample(tone, 24000, RATE)
    assert len(out) == RATE
    assert np.argmax(np.abs(np.fft.rfft(out))) == 1000


def test_true_peak_phases_match_scipys_4x_resampling():
    ours = dsp.upsample_phases(BAND_LIMITED, 4)
    theirs = resample_poly(BAND_LIMITED.astype(np.float64), 4, 1)
    inner = slice(1000, -1000)
    for phase in range(4):
        assert np.max(np.abs(ours[phase][inner] - theirs[phase::4][inner])) < 0.005 * np.max(np.abs(theirs))


def test_trailing_min():
    values = np.array([5.0, 1.0, 4.0, 3.0, 6.0, 2.0])
    assert list(dsp.trailing_min(values, 3)) == [5.0, 1.0, 1.0, 1.0, 3.0, 2.0]


@pytest.mark.parametrize("factor", [2, 4])
def test_no_samples_upsample_to_no_samples(factor):
    phases = dsp.upsample_phases(np.zeros(0, np.float32), factor)
    assert [len(p) for p in phases] == [0] * factor


def test_a_segment_of_no_samples_is_an_audio_error_not_a_crash():
    """What an engine returns for text it cannot voice ("…"): no samples at all."""
    from bulletin.audio.loudness import Master, block_energies, peaks_db
    from bulletin.core.errors import AudioError

    empty = np.zeros(0, np.float32)
    with pytest.raises(AudioError, match="silent"):
        Master(empty, 44100, block_energies(empty, 44100), peaks_db(empty))
