"""Sounders in a bulletin: levelled against the speech, and the music bed
ducked under the voice. Audio travels here as analysed pieces, so that
joining them never measures anything twice."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bulletin.audio import AudioSettings
from bulletin.audio.loudness import (
    CONTROL_BLOCK,
    SILENT_DB,
    analyse,
    block_count,
    gated_loudness,
    ramp_gain,
)
from bulletin.audio.sounders import SounderSet, music_bed
from bulletin.media.ffmpeg import decode

# Elements are levelled to this before mastering; only differences matter.
REFERENCE_LUFS = -20.0
# The bed: how it moves around the voice, in seconds.
BED_DUCK_ATTACK_S = 0.25
BED_DUCK_RELEASE_S = 0.6
BED_TAIL_S = 1.5


@dataclass(frozen=True, eq=False)
class Piece:
    """Samples (a whole number of control blocks) with their block energies and true peaks."""

    samples: np.ndarray
    energies: np.ndarray
    peaks_db: np.ndarray

    @classmethod
    def analyse(cls, samples: np.ndarray, rate: int, rotate: bool = False) -> Piece:
        """Padded to whole blocks and analysed; phase-rotated first with ``rotate``."""
        return cls(*analyse(samples, rate, rotate))

    @classmethod
    def silence(cls, samples: int) -> Piece:
        """At least ``samples`` of silence."""
        blocks = block_count(samples)
        return cls(np.zeros(blocks * CONTROL_BLOCK, np.float32), np.zeros(blocks), np.full(blocks, SILENT_DB))

    def scaled(self, gain_db: float) -> Piece:
        """The piece ``gain_db`` louder."""
        factor = 10 ** (gain_db / 20)
        return Piece((self.samples * factor).astype(np.float32), self.energies * factor**2, self.peaks_db + gain_db)

    @staticmethod
    def joined(pieces: list[Piece]) -> Piece:
        """The pieces one after another (their analyses joined too)."""
        return Piece(
            np.concatenate([p.samples for p in pieces]),
            np.concatenate([p.energies for p in pieces]),
            np.concatenate([p.peaks_db for p in pieces]),
        )


def levelled(samples: np.ndarray, rate: int, target: float, rotate: bool = False) -> tuple[Piece, bool]:
    """The samples analysed and brought to ``target`` LUFS; False when too short or quiet to measure."""
    piece = Piece.analyse(samples, rate, rotate)
    loudness = gated_loudness(piece.energies, rate)
    if not math.isfinite(loudness):
        return piece, False
    return piece.scaled(target - loudness), True


class Sounds:
    """The sounders at the bulletin's rate, levelled against speech and analysed once per run."""

    def __init__(self, sounders: SounderSet, settings: AudioSettings) -> None:
        self.sounders, self.settings = sounders, settings
        self._pieces: dict[str, Piece] = {}

    def get(self, name: str) -> Piece:
        """The sounder called ``name`` (intro, between, outro), levelled."""
        if name not in self._pieces:
            clip = getattr(self.sounders, name)
            self._pieces[name] = levelled(
                clip, self.settings.sample_rate, REFERENCE_LUFS + self.settings.sounder_level_lu
            )[0]
        return self._pieces[name]

    def bed(self, length: int, speech: tuple[int, int]) -> np.ndarray:
        """The bed for the first ``length`` samples, ducked under ``speech``, faded out after it."""
        rate = self.settings.sample_rate
        if self.sounders.bed_file is not None:
            clip = np.resize(decode(self.sounders.bed_file, rate), length)  # a short file loops
        else:
            clip = music_bed(rate, length)
        clip = levelled(clip, rate, REFERENCE_LUFS + self.settings.bed_level_lu)[0].samples[:length]
        need = np.zeros(block_count(length))
        need[speech[0] // CONTROL_BLOCK : block_count(speech[1])] = self.settings.bed_duck_lu
        duck = -self.settings.bed_duck_lu
        curve = ramp_gain(need, rate, duck / BED_DUCK_ATTACK_S, duck / BED_DUCK_RELEASE_S)
        fade = np.clip((speech[1] + BED_TAIL_S * rate - np.arange(length)) / (BED_TAIL_S * rate), 0.0, 1.0)
        gain = 10 ** (np.interp(np.arange(length), np.arange(len(curve)) * CONTROL_BLOCK, curve) / 20) * fade
        ducked: np.ndarray = (clip * gain).astype(np.float32)
        return ducked

    def under(self, samples: np.ndarray, speech: tuple[int, int]) -> np.ndarray:
        """``samples`` with the bed mixed in under ``speech`` and a tail after it (in place)."""
        rate = self.settings.sample_rate
        length = min(len(samples), speech[1] + int(BED_TAIL_S * rate))
        samples[:length] += self.bed(length, speech)
        return samples
