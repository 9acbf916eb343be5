"""Sounders made by our own code: an intro sting, a short sounder between
stories, an outro, and an optional music bed for under the intro.

They are small additive syntheses (bell-like partials with exponential decay,
a soft pad), deterministic so that two builds sound the same. A user may
point the configuration at files of their own instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.errors import ConfigError
from bulletin.media.ffmpeg import decode

if TYPE_CHECKING:  # numpy loads when a sound is made: configuration and keys need none
    import numpy as np

A4_HZ = 440.0
# Notes as semitones from A4: C5 = 3, E5 = 7, G5 = 10, C6 = 15 ...
C5, E5, G5, B5, C6, E6 = 3, 7, 10, 14, 15, 19
BELL_PARTIALS = ((1.0, 1.0), (2.0, 0.35), (3.01, 0.15), (4.2, 0.06))  # (ratio, amplitude)
FADE_S = 0.01


def _hz(semitones: float) -> float:
    return A4_HZ * 2 ** (semitones / 12)


def _bell(rate: int, semitones: float, seconds: float, decay: float) -> np.ndarray:
    import numpy as np

    t = np.arange(int(rate * seconds)) / rate
    tone = sum(
        amp * np.sin(2 * np.pi * _hz(semitones) * ratio * t) * np.exp(-t * decay * ratio)
        for ratio, amp in BELL_PARTIALS
    )
    attack = np.minimum(1.0, t / 0.005)  # a 5 ms attack, no click
    return (tone * attack).astype(np.float32)


def _place(rate: int, notes: Sequence[tuple[float, float, float, float]], seconds: float) -> np.ndarray:
    """Mix (start s, semitones, length s, decay) bells into one clip with a short fade-out."""
    import numpy as np

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
    notes = [
        (0.0, C5, 1.8, 3.0),
        (0.12, E5, 1.7, 3.0),
        (0.24, G5, 1.6, 3.0),
        (0.36, C6, 1.6, 2.5),
        (0.62, C5 - 12, 1.4, 2.0),
        (0.62, G5, 1.4, 2.5),
        (0.62, E6, 1.4, 3.0),
    ]
    return _place(rate, notes, 2.2)


def between_sounder(rate: int) -> np.ndarray:
    """A two-note chime, half a second: the break between stories."""
    return _place(rate, [(0.0, G5, 0.5, 7.0), (0.09, C6, 0.45, 7.0)], 0.55)


def outro_sting(rate: int) -> np.ndarray:
    """A falling arpeggio settling on the tonic: about two seconds."""
    notes = [
        (0.0, C6, 1.6, 3.0),
        (0.14, G5, 1.6, 3.0),
        (0.28, E5, 1.6, 3.0),
        (0.42, C5, 1.7, 2.2),
        (0.42, C5 - 12, 1.7, 1.8),
    ]
    return _place(rate, notes, 2.2)


def music_bed(rate: int, samples: int) -> np.ndarray:
    """A soft Cmaj7 pad with a slow pulse, ``samples`` long, faded in and out."""
    import numpy as np

    seconds = samples / rate
    t = np.arange(samples) / rate
    pad = sum(np.sin(2 * np.pi * _hz(n) * t) * (0.5 if n < C5 else 0.3) for n in (C5 - 12, E5 - 12, G5 - 12, B5 - 12))
    pulse = 0.75 + 0.25 * np.sin(2 * np.pi * 1.0 * t)  # one beat per second
    envelope = np.minimum(1.0, np.minimum(t / 0.5, (seconds - t) / 1.0))
    bed: np.ndarray = (pad * pulse * np.clip(envelope, 0.0, 1.0)).astype(np.float32)
    return bed


SOUNDERS_VERSION = 1  # bump when the built-in sounds change
BUILT_IN = {"intro": intro_sting, "between": between_sounder, "outro": outro_sting}


class SounderSet:
    """Which sounders to play: built-in or the user's files; decoded when first needed."""

    def __init__(self, rate: int, files: dict[str, str], enabled: bool, bed: bool, bed_file: str) -> None:
        self.rate, self.enabled = rate, enabled
        self.files = {name: Path(path) for name, path in files.items() if path}
        self.bed_file = Path(bed_file) if bed_file else None
        self.has_bed = enabled and (bed or self.bed_file is not None)
        self._clips: dict[str, np.ndarray] = {}
        self._identities: dict[str, str] = {}

    @classmethod
    def silent(cls, rate: int) -> SounderSet:
        """No sounders at all (``--no-sounders``)."""
        return cls(rate, {}, enabled=False, bed=False, bed_file="")

    def _clip(self, name: str) -> np.ndarray | None:
        if not self.enabled:
            return None
        if name not in self._clips:
            path = self.files.get(name)
            self._clips[name] = decode(path, self.rate) if path else BUILT_IN[name](self.rate)
        return self._clips[name]

    @property
    def intro(self) -> np.ndarray | None:
        return self._clip("intro")

    @property
    def between(self) -> np.ndarray | None:
        return self._clip("between")

    @property
    def outro(self) -> np.ndarray | None:
        return self._clip("outro")

    def identity(self, name: str) -> str:
        """What a sounder (or "bed") is, for cache keys: our version, or the file's hash."""
        if name not in self._identities:
            path = self.bed_file if name == "bed" else self.files.get(name)
            if path is None:
                self._identities[name] = f"built-in:{name}:{SOUNDERS_VERSION}"
            else:
                try:
                    self._identities[name] = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as exc:
                    raise ConfigError(f"sounder file {path}: {exc.strerror}; check [sounders] {name}.") from None
        return self._identities[name]


def load_sounders(rate: int, intro: str, between: str, outro: str, bed: bool, bed_file: str) -> SounderSet:
    """The built-in sounders, or the user's files where given (any format ffmpeg reads)."""
    return SounderSet(rate, {"intro": intro, "between": between, "outro": outro}, True, bed, bed_file)
