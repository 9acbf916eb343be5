"""Speech engines behind one interface, in one registry.

Engines are imported only when asked for, so a command never pays for an
engine (or its dependencies) it does not use. A new engine is one module, one
line in ``ENGINES`` (or an entry point in the ``bulletin.engines`` group of
another package) and one voice profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bulletin.core.errors import BulletinError, EngineError, OptionError
from bulletin.core.registry import Registry
from bulletin.core.schema import Where, conform
from bulletin.tts.base import Engine

ENGINES: Registry[type[Engine]] = Registry(
    "speech engine",
    "bulletin.engines",
    {
        "gtts": "bulletin.tts.google:GttsEngine",
        "edge": "bulletin.tts.edge:EdgeEngine",
        "piper": "bulletin.tts.piper:PiperEngine",
        "espeak": "bulletin.tts.espeak:EspeakEngine",
    },
    lambda entry: isinstance(entry, type) and issubclass(entry, Engine),
)


def create_engine(name: str, options: Mapping[str, Any], section: Any = None, where: Where | None = None) -> Engine:
    """The engine ``name`` with a voice's ``options`` (checked against the engine's ``Options``;
    ``where(key)`` says where a key is written) and its configuration ``section``.

    Impossible or unknown options are a ConfigError; whether the engine can run
    here is a separate question: :meth:`Engine.check`.
    """
    cls = ENGINES.get(name)
    if (section is None) != (cls.Section is None):
        raise TypeError(f"the {name} engine takes {'its [' + name + '] section' if cls.Section else 'no section'}")
    located = where or (lambda key: f"engine {name}")
    return cls(conform(cls.Options, options, located, "[options]"), section)


def engine_status(name: str, options: Mapping[str, Any], section: Any = None, where: Where | None = None) -> str:
    """Whether the engine, so configured, can run here: "ready", or what stands in the
    way (a missing extra or model, no network, a mistake in the options at ``where``), in a few words."""
    try:
        engine = create_engine(name, options, section, where)
        engine.check()
    except EngineError as exc:
        return f"cannot run here: {exc.reason}"
    except OptionError as exc:  # found by the engine itself: say where the option is
        return f"misconfigured: {where(exc.key) + ': ' if where else ''}{exc}"
    except BulletinError as exc:
        return f"misconfigured: {exc}"
    from bulletin.tts.online import OnlineEngine, host_reachable

    if isinstance(engine, OnlineEngine) and not host_reachable(engine.host):
        return f"no network: cannot reach {engine.host}"
    return "ready"


__all__ = ["ENGINES", "Engine", "create_engine", "engine_status"]
