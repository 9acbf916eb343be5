"""Speech engines behind one interface, looked up by name.

Engines are imported only when asked for, so a command never pays for an
engine (or its dependencies) it does not use. A new engine is one module, one
line here and one voice profile.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from bulletin.core.errors import BulletinError, ConfigError, EngineError
from bulletin.core.model import Speech
from bulletin.tts.base import Engine

# name -> "module:Class"
ENGINES: dict[str, str] = {
    "edge": "bulletin.tts.edge:EdgeEngine",
    "espeak": "bulletin.tts.espeak:EspeakEngine",
    "gtts": "bulletin.tts.google:GttsEngine",
    "piper": "bulletin.tts.piper:PiperEngine",
}


def engine_names() -> list[str]:
    """Names of all known engines."""
    return sorted(ENGINES)


def engine_class(name: str) -> type[Engine]:
    """The engine class registered under ``name``."""
    try:
        module_name, class_name = ENGINES[name].split(":")
    except KeyError:
        raise ConfigError(
            f"unknown speech engine {name!r}; choose one of: {', '.join(engine_names())}."
        ) from None
    cls: type[Engine] = getattr(importlib.import_module(module_name), class_name)
    return cls


def create_engine(name: str, options: Mapping[str, Any], section: Mapping[str, Any] | None = None) -> Engine:
    """An engine with a voice's ``options`` over the engine's ``section`` of the
    configuration (of which it takes the keys it knows, e.g. the network limits).

    Impossible or unknown options are a ConfigError; whether the engine can run
    here is a separate question: :meth:`Engine.check`.
    """
    cls = engine_class(name)
    accepted = {p.name for p in inspect.signature(cls).parameters.values() if p.kind is not p.VAR_KEYWORD}
    accepted |= _network_options(cls)
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise ConfigError(
            f"engine {name!r} has no option {', '.join(unknown)}; it takes: {', '.join(sorted(accepted))}."
        )
    shared = {k: v for k, v in (section or {}).items() if k in accepted}
    return cls(**{**shared, **options})


def _network_options(cls: type[Engine]) -> set[str]:
    """The options an online engine passes on to the shared online machinery."""
    if not cls.online:
        return set()
    from bulletin.tts.online import OnlineEngine

    return {p for p in inspect.signature(OnlineEngine.__init__).parameters if p != "self"}


def engine_status(name: str, options: Mapping[str, Any], section: Mapping[str, Any] | None = None) -> str:
    """Whether the engine, so configured, can run here: "ready", or what stands in the
    way (a missing extra or model, no network), in a few words."""
    try:
        engine = create_engine(name, options, section)
        engine.check()
    except EngineError as exc:
        return f"cannot run here: {exc.reason}"
    except BulletinError as exc:
        return f"misconfigured: {exc}"
    from bulletin.tts.online import OnlineEngine, host_reachable

    if isinstance(engine, OnlineEngine) and not host_reachable(engine.host):
        return f"no network: cannot reach {engine.host}"
    return "ready"


__all__ = ["ENGINES", "Engine", "Speech", "create_engine", "engine_class", "engine_names", "engine_status"]
