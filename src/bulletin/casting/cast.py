"""Who speaks: the configured voices, and the voices to fall back on, in order.

Engines are made (and their options checked) for every voice before anything
is spoken, so a mistake in the configuration is a ConfigError at once and never
a silent fallback; only a service that cannot be used falls back, and then the
whole bulletin is read by the next voice that works, never a mix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bulletin.casting.profiles import (
    Cast,
    VoiceProfile,
    check_options,
    load_voice,
    option_location,
    profile_for_engine,
)
from bulletin.core.errors import ConfigError, EngineError, OptionError
from bulletin.core.tomlfile import key_location
from bulletin.tts import ENGINES, Engine, create_engine

AUTO = "auto"  # [voice] engine: the configured voices, falling back when their engine cannot be used
T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceChoice:
    """What casting is told: the voices asked for and where to find them, and each engine's
    own settings."""

    anchor: str
    newsreader: str
    engine: str  # AUTO, or one engine's name: that engine only, strictly
    fallback: tuple[str, ...]
    dirs: tuple[Path, ...]  # voice profile folders, the user's first
    sections: Mapping[str, Any]  # engine name -> its section ([gtts]), if it has one
    config_file: Path | None  # where the sections are written, for messages
    lexicon: Path | None  # the user's own words, for every voice after its own lexicons (if the file is there)


@dataclass(frozen=True)
class Casting:
    """The voices to use, and the voices to fall back on in order (``auto`` only)."""

    cast: Cast
    fallbacks: tuple[Cast, ...] = field(default=())

    @property
    def casts(self) -> tuple[Cast, ...]:
        """Every cast to try, in order."""
        return (self.cast, *self.fallbacks)


def choose_cast(choice: VoiceChoice) -> Casting:
    """The voices of ``choice`` (its engine is ``auto`` or an engine's name), each voice's
    options checked against its engine's, so a mistake in them stops even a command that
    speaks nothing (``bulletin script``)."""
    casting = _cast(choice)
    for cast in casting.casts:
        for profile in cast.profiles:
            check_options(profile)
    if choice.lexicon is None or not choice.lexicon.is_file():
        return casting
    lexicon = choice.lexicon
    return Casting(_with_lexicon(casting.cast, lexicon), tuple(_with_lexicon(c, lexicon) for c in casting.fallbacks))


def _with_lexicon(cast: Cast, lexicon: Path) -> Cast:
    """``cast`` with the user's lexicon after each voice's own."""

    def extended(profile: VoiceProfile) -> VoiceProfile:
        return replace(profile, lexicons=(*profile.lexicons, lexicon))

    anchor = extended(cast.anchor)
    return Cast(anchor, anchor if cast.newsreader == cast.anchor else extended(cast.newsreader))


def _cast(choice: VoiceChoice) -> Casting:
    if choice.engine != AUTO:
        ENGINES.get(choice.engine)  # an unknown name, or a plugin that does not load, is a mistake to name
    anchor = load_voice(choice.anchor, choice.dirs)
    newsreader = load_voice(choice.newsreader, choice.dirs)
    if choice.engine != AUTO:  # strict: every voice from that engine, no fallback
        anchor, newsreader = (
            v if v.engine == choice.engine else _engine_voice(choice.engine, v.language, choice.dirs)
            for v in (anchor, newsreader)
        )
        return Casting(Cast(anchor, newsreader))
    cast = Cast(anchor, newsreader)
    others = [load_voice(name, choice.dirs) for name in choice.fallback]
    if not others or ENGINES.get(others[-1].engine).needs.network:
        raise ConfigError(
            '[voice] fallback must end with an offline voice (e.g. "espeak-nl"), so a bulletin can always be read.'
        )
    fallbacks = tuple(Cast(v, v) for v in others if Cast(v, v) != cast)
    return Casting(cast, fallbacks)


def _engine_voice(engine: str, language: str, dirs: tuple[Path, ...]) -> VoiceProfile:
    """The engine's voice for ``language``; an engine without one cannot be used here (EngineError)."""
    try:
        return profile_for_engine(engine, language, dirs)
    except ConfigError as exc:  # the message says how to install one
        raise EngineError(f"the {engine} engine cannot be used here: {exc}") from None


def _where(key: str, profile: VoiceProfile, choice: VoiceChoice) -> str:
    """The file (and line) an engine option comes from: the profile's [options], else the
    engine's section of the configuration."""
    if key in profile.options:
        return option_location(profile, key)
    if choice.config_file is not None:
        found = key_location(choice.config_file, profile.engine, key)
        if found:
            return found
    return f"voice {profile.name}"


def make_engines(cast: Cast, choice: VoiceChoice) -> dict[str, Engine]:
    """An engine per voice of ``cast`` (by voice name), options checked but not yet run."""
    engines = {}
    for profile in cast.profiles:
        try:
            engines[profile.name] = create_engine(
                profile.engine,
                profile.options,
                choice.sections.get(profile.engine),
                partial(option_location, profile),
            )
        except OptionError as exc:
            raise ConfigError(f"{_where(exc.key, profile, choice)}: {exc}") from None
    return engines


def first_that_works(casting: Casting, choice: VoiceChoice, attempt: Callable[[Cast, dict[str, Engine]], T]) -> T:
    """``attempt`` with the configured cast, else with each fallback in turn, saying so.

    Every cast's engines are made first, so configuration mistakes surface before
    any speech; an :class:`EngineError` (a service or model that cannot be used)
    moves on to the next cast, the last one's is raised.
    """
    lineup = [(cast, make_engines(cast, choice)) for cast in casting.casts]
    for number, (cast, engines) in enumerate(lineup):
        try:
            for engine in engines.values():
                engine.check()
            return attempt(cast, engines)
        except EngineError as exc:
            if number == len(lineup) - 1:
                raise
            log.warning(
                "%s The whole bulletin is read by %s instead.",
                exc.reason,
                " + ".join(v.name for v in lineup[number + 1][0].profiles),
            )
    raise AssertionError("unreachable: the loop returns or raises")
