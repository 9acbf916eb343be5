"""The interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from bulletin.core.errors import ConfigError
from bulletin.core.model import Mark, Speech

OnDone = Callable[[int, Speech], None]


class OptionError(ConfigError):
    """An impossible engine option; ``key`` lets the caller say in which file and line it is set."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class Engine(ABC):
    """A named speech engine.

    The constructor takes the engine's options and rejects impossible ones with a
    :class:`~bulletin.core.errors.ConfigError` (a mistake in the configuration, never a
    reason to fall back); :meth:`check` says whether the engine can run here.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    online: ClassVar[bool] = False  # needs the network (so "auto" may fall back)

    @abstractmethod
    def check(self) -> None:
        """Raise :class:`~bulletin.core.errors.EngineError` saying what is missing, if anything
        (a package, a model file); cheap, and without synthesising."""

    @abstractmethod
    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; raise EngineError on failure."""

    def synthesize_many(self, texts: Sequence[str], on_done: OnDone | None = None) -> list[Speech]:
        """Speak several texts, in order; ``on_done(index, speech)`` as each finishes.

        One after another by default; engines that can overlap their work override it.
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
        """Every setting that changes how the engine sounds (for a model: its digest)."""


__all__ = ["Engine", "Mark", "OnDone", "OptionError", "Speech"]
