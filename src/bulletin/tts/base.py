"""The interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True, eq=False)
class Speech:
    """Synthesised speech: mono 16-bit samples at the engine's own rate."""

    samples: np.ndarray  # int16, one channel
    sample_rate: int

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.sample_rate


class Engine(ABC):
    """A named speech engine. Subclasses check their own prerequisites."""

    name: ClassVar[str]
    description: ClassVar[str]

    @classmethod
    @abstractmethod
    def check(cls) -> None:
        """Raise :class:`~bulletin.errors.EngineError` saying what is missing, if anything."""

    @abstractmethod
    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; raise EngineError on failure."""

    @property
    @abstractmethod
    def version(self) -> str:
        """The engine's version, as part of what identifies its output."""

    @property
    @abstractmethod
    def settings(self) -> Mapping[str, Any]:
        """Every setting that changes how the engine sounds."""
