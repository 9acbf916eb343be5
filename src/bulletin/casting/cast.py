"""Who speaks: the configured voices, and the voices to fall back on, in order.

Engines are made (and their options checked) for every voice before anything
is spoken, so a mistake in the configuration is a ConfigError at once and never
a silent fallback; only a service that cannot be used falls back, and then the
whole bulletin is read by the next voice that works, never a mix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bulletin import config as cfg
from bulletin.config import Config
from bulletin.core.errors import ConfigError, EngineError
from bulletin.tts import Engine, create_engine, engine_class, engine_names
from bulletin.tts.base import OptionError
from bulletin.casting.profiles import Cast, VoiceProfile, load_voice, profile_for_engine

AUTO = "auto"
T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Casting:
    """The voices to use, and the voices to fall back on in order (``auto`` only)."""

    cast: Cast
    fallbacks: tuple[Cast, ...] = field(default=())

    @property
    def casts(self) -> tuple[Cast, ...]:
        """Every cast to try, in order."""
        return (self.cast, *self.fallbacks)


def fallback_names(config: Config) -> list[str]:
    """``[voice] fallback``: one voice name or a list of them."""
    value = config.get("voice", "fallback")
    return [value] if isinstance(value, str) else list(value)


def choose_cast(config: Config) -> Casting:
    """Voices per the config: ``[voice] engine`` is ``auto`` or an engine name."""
    dirs = cfg.voice_dirs(config)
    engine = config.get("voice", "engine")
    if engine != AUTO and engine not in engine_names():
        raise ConfigError(f"unknown engine {engine!r}; choose one of: {', '.join([AUTO, *engine_names()])}.")
    anchor = load_voice(config.get("voice", "anchor"), dirs)
    newsreader = load_voice(config.get("voice", "newsreader"), dirs)
    if engine != AUTO:  # strict: every voice from that engine, no fallback
        anchor, newsreader = (v if v.engine == engine else _engine_voice(engine, v.language, dirs)
                              for v in (anchor, newsreader))
        return Casting(Cast(anchor, newsreader))
    cast = Cast(anchor, newsreader)
    others = [load_voice(name, dirs) for name in fallback_names(config)]
    if not others or engine_class(others[-1].engine).online:
        raise ConfigError("[voice] fallback must end with an offline voice (e.g. \"espeak-nl\"), so a bulletin "
                          "can always be read.")
    fallbacks = tuple(Cast(v, v) for v in others if Cast(v, v) != cast)
    return Casting(cast, fallbacks)


def _engine_voice(engine: str, language: str, dirs: list[Path]) -> VoiceProfile:
    """The engine's voice for ``language``; an engine without one cannot be used here (EngineError)."""
    try:
        return profile_for_engine(engine, language, dirs)
    except ConfigError as exc:  # the message says how to install one
        raise EngineError(f"the {engine} engine cannot be used here: {exc}") from None


def _where(key: str, profile: VoiceProfile, config: Config) -> str:
    """The file (and line) an engine option comes from."""
    if key in profile.options and profile.path.suffix == ".toml":
        return cfg.key_location(profile.path, "options", key) or str(profile.path)
    if config.source is not None:
        found = cfg.key_location(config.source, profile.engine, key)
        if found:
            return found
    return f"voice {profile.name}"


def make_engines(cast: Cast, config: Config) -> dict[str, Engine]:
    """An engine per voice of ``cast`` (by voice name), options checked but not yet run."""
    engines = {}
    for profile in cast.profiles:
        try:
            engines[profile.name] = create_engine(profile.engine, profile.options,
                                                  cfg.engine_options(config, profile.engine))
        except OptionError as exc:
            raise ConfigError(f"{_where(exc.key, profile, config)}: {exc}") from None
        except ConfigError as exc:
            raise ConfigError(f"{profile.path}: {exc}") from None
    return engines


def first_that_works(casting: Casting, config: Config, attempt: Callable[[Cast, dict[str, Engine]], T]) -> T:
    """``attempt`` with the configured cast, else with each fallback in turn, saying so.

    Every cast's engines are made first, so configuration mistakes surface before
    any speech; an :class:`EngineError` (a service or model that cannot be used)
    moves on to the next cast, the last one's is raised.
    """
    lineup = [(cast, make_engines(cast, config)) for cast in casting.casts]
    for number, (cast, engines) in enumerate(lineup):
        try:
            for engine in engines.values():
                engine.check()
            return attempt(cast, engines)
        except EngineError as exc:
            if number == len(lineup) - 1:
                raise
            log.warning("%s The whole bulletin is read by %s instead.", exc.reason,
                        " + ".join(v.name for v in lineup[number + 1][0].profiles))
    raise AssertionError("unreachable: the loop returns or raises")
