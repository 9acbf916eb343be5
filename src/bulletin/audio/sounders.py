"""Sounders made by our own code: an intro sting, a short sounder between
stories, an outro, and an optional music bed for under the intro.

They are small additive syntheses (bell-like partials with exponential decay,
a soft pad), deterministic so that two builds sound the same. A user may
point the configuration at files of their own instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bulletin.audio.ffmpeg import decode

A4_HZ = 440.0
# Notes as semitones from A4: C5 = 3, E5 = 7, G5 = 10, C6 = 15 ...
C5, E5, G5, B5, C6, E6 = 3, 7, 10, 14, 15, 19
BELL_PARTIALS = ((1.0, 1.0), (2.0, 0.35), (3.01, 0.15), (4.2, 0.06))  # (ratio, amplitude)
FADE_S = 0.01


def _hz(semitones: float) -> float:
    return A4_HZ * 2 ** (semitones / 12)


def _bell(rate: int, semitones: float, seconds: float, decay: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    tone = sum(amp * np.sin(2 * np.pi * _hz(semitones) * ratio * t) * np.exp(-t * decay * ratio)
               for ratio, amp in BELL_PARTIALS)
    attack = np.minimum(1.0, t / 0.005)  # a 5 ms attack, no click
    return (tone * attack).astype(np.float32)


def _place(rate: int, notes: list[tuple[float, float, float, float]], seconds: float) -> np.ndarray:
    """Mix (start s, semitones, length s, decay) bells into one clip with a short fade-out."""
    out = np.zeros(int(rate * seconds), dtype=np.float32)
    for start, semitones, length, decay in notes:
        bell = _bell(rate, semitones, length, decay)
        at = int(rate * start)
        end = min(len(out), at + len(bell))
        out[at:end] += bell[: end - at]
    fade = int(rate * FADE_S)
    out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out


def intro_sting(rate: int) -> np.ndarray:
    """A rising C-major arpeggio resolving on a chord: about two seconds."""
    notes = [(0.0, C5, 1.8, 3.0), (0.12, E5, 1.7, 3.0), (0.24, G5, 1.6, 3.0), (0.36, C6, 1.6, 2.5),
             (0.62, C5 - 12, 1.4, 2.0), (0.62, G5, 1.4, 2.5), (0.62, E6, 1.4, 3.0)]
    return _place(rate, notes, 2.2)


def between_sounder(rate: int) -> np.ndarray:
    """A two-note chime, half a second: the break between stories."""
    return _place(rate, [(0.0, G5, 0.5, 7.0), (0.09, C6, 0.45, 7.0)], 0.55)


def outro_sting(rate: int) -> np.ndarray:
    """A falling arpeggio settling on the tonic: about two seconds."""
    notes = [(0.0, C6, 1.6, 3.0), (0.14, G5, 1.6, 3.0), (0.28, E5, 1.6, 3.0), (0.42, C5, 1.7, 2.2),
             (0.42, C5 - 12, 1.7, 1.8)]
    return _place(rate, notes, 2.2)


def music_bed(rate: int, samples: int) -> np.ndarray:
    """A soft Cmaj7 pad with a slow pulse, ``samples`` long, faded in and out."""
    seconds = samples / rate
    t = np.arange(samples) / rate
    pad = sum(np.sin(2 * np.pi * _hz(n) * t) * (0.5 if n < C5 else 0.3) for n in (C5 - 12, E5 - 12, G5 - 12, B5 - 12))
    pulse = 0.75 + 0.25 * np.sin(2 * np.pi * 1.0 * t)  # one beat per second
    envelope = np.minimum(1.0, np.minimum(t / 0.5, (seconds - t) / 1.0))
    return (pad * pulse * np.clip(envelope, 0.0, 1.0)).astype(np.float32)


@dataclass(frozen=True)
class SounderSet:
    """The clips to play; ``None`` leaves that one out."""

    intro: np.ndarray | None
    between: np.ndarray | None
    outro: np.ndarray | None
    bed: bool = False
    bed_file: Path | None = None

    @classmethod
    def silent(cls) -> SounderSet:
        """No sounders at all (``--no-sounders``)."""
        return cls(None, None, None)


def load_sounders(rate: int, intro: str = "", between: str = "", outro: str = "",
                  bed: bool = False, bed_file: str = "") -> SounderSet:
    """The built-in sounders, or the user's files where given (any format ffmpeg reads)."""
    def pick(path: str, made: np.ndarray) -> np.ndarray:
        return decode(path, rate) if path else made

    return SounderSet(
        intro=pick(intro, intro_sting(rate)),
        between=pick(between, between_sounder(rate)),
        outro=pick(outro, outro_sting(rate)),
        bed=bed,
        bed_file=Path(bed_file) if bed_file else None,
    )
