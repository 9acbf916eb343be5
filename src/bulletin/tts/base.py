"""The interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # numpy is only needed once there is audio; listing engines should not load it
    import numpy as np


@dataclass(frozen=True)
class Mark:
    """Where a piece of the text starts in the audio: for timed transcripts."""

    char: int  # offset in the text given to the engine
    sample: int  # offset in the speech's samples

    @staticmethod
    def pack(marks: Sequence[Mark]) -> list[list[int]]:
        """Marks as JSON-ready ``[char, sample]`` pairs."""
        return [[m.char, m.sample] for m in marks]

    @staticmethod
    def unpack(pairs: Sequence[Sequence[int]]) -> tuple[Mark, ...]:
        """Marks back from :meth:`pack`'s pairs."""
        return tuple(Mark(char, sample) for char, sample in pairs)


@dataclass(frozen=True, eq=False)
class Speech:
    """Synthesised speech: mono 16-bit samples at the engine's own rate."""

    samples: np.ndarray  # int16, one channel
    sample_rate: int
    marks: tuple[Mark, ...] = ()  # in text order; may be empty

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.sample_rate


OnDone = Callable[[int, Speech], None]


class Engine(ABC):
    """A named speech engine. Subclasses check their own prerequisites."""

    name: ClassVar[str]
    description: ClassVar[str]
    online: ClassVar[bool] = False  # needs the network (so "auto" may fall back)

    @classmethod
    @abstractmethod
    def check(cls) -> None:
        """Raise :class:`~bulletin.errors.EngineError` saying what is missing, if anything."""

    @abstractmethod
    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; raise EngineError on failure."""

    def synthesize_many(self, texts: Sequence[str], on_done: OnDone | None = None) -> list[Speech]:
        """Speak several texts, in order; ``on_done(index, speech)`` as each finishes.

        One after another by default; engines that wait on a network override it.
        """
        out = []
        for index, text in enumerate(texts):
            out.append(self.synthesize(text))
            if on_done:
                on_done(index, out[-1])
        return out

    @property
    @abstractmethod
    def version(self) -> str:
        """The engine's version, as part of what identifies its output."""

    @property
    @abstractmethod
    def settings(self) -> Mapping[str, Any]:
        """Every setting that changes how the engine sounds."""
