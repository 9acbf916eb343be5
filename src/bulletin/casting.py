"""Who speaks: the configured voices, and the offline voice to fall back on."""

from __future__ import annotations

from dataclasses import dataclass

from bulletin import config as cfg
from bulletin.config import Config
from bulletin.errors import ConfigError
from bulletin.tts import engine_class, engine_names
from bulletin.voices import Cast, load_voice, profile_for_engine

AUTO = "auto"


@dataclass(frozen=True)
class Casting:
    """The voices to use, and the offline voices to fall back on (``auto`` only)."""

    cast: Cast
    fallback: Cast | None = None


def choose_cast(config: Config) -> Casting:
    """Voices per the config: ``[voice] engine`` is ``auto`` or an engine name."""
    dirs = cfg.voice_dirs(config)
    engine = config.get("voice", "engine")
    if engine != AUTO and engine not in engine_names():
        raise ConfigError(f"unknown engine {engine!r}; choose one of: {', '.join([AUTO, *engine_names()])}.")
    anchor = load_voice(config.get("voice", "anchor"), dirs)
    newsreader = load_voice(config.get("voice", "newsreader"), dirs)
    if engine != AUTO:  # strict: every voice from that engine, no fallback
        anchor, newsreader = (v if v.engine == engine else profile_for_engine(engine, v.language, dirs)
                              for v in (anchor, newsreader))
        return Casting(Cast(anchor, newsreader))
    cast = Cast(anchor, newsreader)
    if not any(engine_class(v.engine).online for v in cast.profiles):
        return Casting(cast)
    offline = load_voice(config.get("voice", "fallback"), dirs)
    if engine_class(offline.engine).online:
        raise ConfigError(f"[voice] fallback {offline.name!r} must be an offline voice.")
    return Casting(cast, Cast(offline, offline))
