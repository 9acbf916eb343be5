"""Speech engines behind one interface, looked up by name.

Engines are imported only when asked for, so a command never pays for an
engine (or its dependencies) it does not use.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from bulletin.errors import BulletinError, ConfigError
from bulletin.tts.base import Engine, Speech

# name -> "module:Class"
ENGINES: dict[str, str] = {
    "espeak": "bulletin.tts.espeak:EspeakEngine",
    "gtts": "bulletin.tts.google:GttsEngine",
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


def engine_status(name: str) -> str:
    """"ready" or what is missing, for listings; online engines say they need the network."""
    try:
        cls = engine_class(name)
        cls.check()
    except BulletinError as exc:
        return f"unavailable: {exc}"
    return "ready (online: needs the network)" if cls.online else "ready (offline)"


def create_engine(name: str, options: Mapping[str, Any]) -> Engine:
    """An engine ready to speak, after checking it can run here."""
    cls = engine_class(name)
    accepted = inspect.signature(cls).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ConfigError(
            f"engine {name!r} has no option {', '.join(unknown)}; it takes: {', '.join(accepted)}."
        )
    cls.check()
    return cls(**options)


__all__ = ["ENGINES", "Engine", "Speech", "create_engine", "engine_class", "engine_names", "engine_status"]
