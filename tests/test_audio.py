"""Audio stages, each checked against an independent measurement."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bulletin.audio import Gaps
from bulletin.audio.loudness import (
    Master,
    analyse,
    apply_gain,
    block_energies,
    block_peaks,
    gated_loudness,
    limiter_gain,
    peaks_db,
)
from bulletin.audio.stitch import Clip, to_clip, trim_silence
from bulletin.core.model import Mark, SegmentKind, Speech
from conftest import RATE, lufs, true_peak_dbtp


def tone(freq: float, seconds: float, amplitude: float, rate: int = RATE, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def speechlike(seconds: float, seed: int = 1, rate: int = RATE, pulses: bool = False) -> np.ndarray:
    """A 120 Hz voice-like source through a formant, in syllable-like bursts.

    With ``pulses`` the source is a pulse train (peak-to-loudness ratio ~18 dB,
    like raw synthetic speech); otherwise a sawtooth (~12 dB, like processed speech).
    """
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    if pulses:
        source = np.zeros(n)
        source[:: rate // 120] = 1.0
    else:
        source = (np.arange(n) * 120 / rate) % 1.0 - 0.5
    voiced = lfilter([1.0], [1.0, -1.3, 0.6], source + 0.05 * rng.standard_normal(n))
    envelope = np.sin(2 * np.pi * 3 * np.arange(n) / rate) > -0.3
    out = voiced * envelope
    return (0.3 * out / np.max(np.abs(out))).astype(np.float32)


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Our meter as mastering uses it: block energies, then BS.1770 gating."""
    return gated_loudness(block_energies(samples, rate), rate)


def analysed_master(samples: np.ndarray) -> Master:
    """A master over the analysis mastering makes of a part."""
    return Master(samples, RATE, block_energies(samples, RATE), peaks_db(samples))


def test_gaps_follow_radio_pacing():
    gaps = Gaps(between_ms=400, after_intro_ms=800, before_outro_ms=600)
    kinds = [SegmentKind.INTRO, SegmentKind.LEAD, SegmentKind.BRIEF, SegmentKind.OUTRO]
    assert [gaps.after(a, b) for a, b in itertools.pairwise(kinds)] == [800, 400, 600]


def test_trim_keeps_a_little_silence_around_speech_and_moves_the_marks():
    x = np.concatenate([np.zeros(4410), tone(440, 0.5, 0.5), np.zeros(8820)]).astype(np.float32)
    trimmed = trim_silence(Clip(x, (Mark(0, 4410), Mark(5, 4410 + 11025))), RATE, threshold_db=-50, keep_ms=20)
    keep = int(0.02 * RATE)
    assert len(trimmed.samples) == pytest.approx(0.5 * RATE + 2 * keep, abs=50)
    assert [m.sample for m in trimmed.marks] == pytest.approx([keep, keep + 11025], abs=2)
    assert len(trim_silence(Clip(np.zeros(1000, np.float32)), RATE, -50, 20).samples) == 0


def test_resampling_keeps_pitch_doubles_samples_and_scales_marks():
    x = (tone(1000, 1.0, 0.5, rate=22050) * 32767).astype(np.int16)
    clip = to_clip(Speech(x, 22050, (Mark(3, 11025),)), RATE)
    assert len(clip.samples) == 2 * len(x)
    assert clip.marks == (Mark(3, 22050),)
    spectrum = np.abs(np.fft.rfft(clip.samples))
    assert np.argmax(spectrum) * RATE / len(clip.samples) == pytest.approx(1000, abs=2)


@pytest.mark.parametrize("signal", ["tone", "noise", "speechlike"])
def test_our_meter_agrees_with_pyloudnorm(signal):
    rng = np.random.default_rng(3)
    x = {
        "tone": tone(997, 5, 0.1),
        "noise": (0.05 * rng.standard_normal(5 * RATE)).astype(np.float32),
        "speechlike": speechlike(8),
    }[signal]
    assert integrated_loudness(x, RATE) == pytest.approx(lufs(x.astype(np.float64)), abs=0.05)


def test_reference_tone_reads_minus_23_lufs():
    # BS.1770: a 997 Hz sine at -20 dBFS in one channel reads -23.0 LUFS.
    assert integrated_loudness(tone(997, 10, 0.1), RATE) == pytest.approx(-23.0, abs=0.1)


def test_true_peak_sees_between_the_samples():
    # A quarter-rate sine sampled at 45 degrees: every sample is at 0.707, the wave peaks at 1.0.
    x = tone(RATE / 4, 1.0, 1.0, phase=np.pi / 4)
    assert 20 * np.log10(np.max(np.abs(x))) == pytest.approx(-3.0, abs=0.1)
    assert float(peaks_db(x).max()) == pytest.approx(0.0, abs=0.2)
    assert len(block_peaks(x)) == -(-len(x) // 32)


def test_one_pass_of_analysis_gives_what_each_measurement_gives_alone():
    """Mastering analyses a part once: K-weighted energies of the speech and true peaks of the
    phase-rotated speech it returns, in one pass of shared transforms."""
    x = speechlike(3, pulses=True)
    rotated, energies, peaks = analyse(x, RATE, rotate=True)
    assert len(rotated) % 32 == 0 and len(energies) == len(peaks) == len(rotated) // 32
    assert np.allclose(energies, block_energies(x, RATE), rtol=1e-4, atol=1e-9)
    assert np.array_equal(peaks, peaks_db(rotated))
    assert float(peaks.max()) == pytest.approx(true_peak_dbtp(rotated.astype(np.float64)), abs=0.2)
    # The rotation moves the pulses' phases, not their loudness; it lowers their peaks.
    assert lufs(rotated.astype(np.float64)) == pytest.approx(lufs(x.astype(np.float64)), abs=0.05)
    assert float(peaks.max()) < float(peaks_db(x).max())


def test_limiter_holds_the_ceiling():
    x = speechlike(6, pulses=True) * 4  # peaks far over full scale
    peaks = 20 * np.log10(np.maximum(block_peaks(x), 1e-10))
    y = apply_gain(x, limiter_gain(peaks, -1.0, RATE))
    assert true_peak_dbtp(y.astype(np.float64)) <= -0.95


@pytest.mark.parametrize(("target", "ceiling"), [(-16.0, -1.5), (-23.0, -1.0), (-19.0, -2.0)])
def test_master_meets_target_and_ceiling(target, ceiling):
    x = speechlike(12)
    y = analysed_master(x).master(target, ceiling)[0].astype(np.float64)
    assert lufs(y) == pytest.approx(target, abs=0.15)
    assert true_peak_dbtp(y) <= ceiling + 0.05


def test_silence_cannot_be_mastered():
    from bulletin.core.errors import AudioError

    with pytest.raises(AudioError, match="silent"):
        analysed_master(np.zeros(RATE, np.float32))
