"""The interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from bulletin.core.model import Speech
from bulletin.core.registry import Needs

OnDone = Callable[[int, Speech], None]


@dataclass(frozen=True)
class NoOptions:
    """An engine without voice options."""


class Engine(ABC):
    """A named speech engine.

    An engine declares what it is (``name``, ``description``, ``needs``), the options a
    voice profile may give it (``Options``: a frozen dataclass of
    :func:`~bulletin.core.schema.setting` s, with the engine's defaults) and, if it
    has one, its own section of ``bulletin.toml`` (``Section``, whose defaults are in
    ``defaults.toml``). The constructor takes both, checked; it raises
    :class:`~bulletin.core.errors.OptionError` for what the schema cannot see (a
    mistake in the configuration, never a reason to fall back). :meth:`check` says
    whether the engine can run here.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    needs: ClassVar[Needs] = Needs()
    Options: ClassVar[type] = NoOptions
    Section: ClassVar[type | None] = None
    no_voice_hint: ClassVar[str] = ""  # what to do when no voice profile uses the engine
    # A folder of voice profiles the engine brings along (a plugin's), searched after the
    # user's folder and bulletin's own voices/.
    voices_dir: ClassVar[Path | None] = None

    @abstractmethod
    def __init__(self, options: Any, section: Any) -> None:
        """Take the checked ``options`` (an ``Options``) and ``section`` (a ``Section``, or None)."""

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


__all__ = ["Engine", "NoOptions", "OnDone"]
