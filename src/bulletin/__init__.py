"""bulletin: a Dutch news page in, a radio-style spoken news bulletin out.

The same library the ``bulletin`` command uses, for people who call it from Python::

    import bulletin

    config = bulletin.load_config()                       # ./bulletin.toml, if there is one
    script = bulletin.make_script("examples/binnenland.txt", config)
    result = bulletin.build("examples/binnenland.txt", config)
    print(result.audio, result.qa.integrated)
    bulletin.publish(config.override({"publish.base_url": "https://example.org/nieuws/"}))

Every failure is a :class:`BulletinError` whose message says what to do (and whose
``exit_code`` is what the command line exits with).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bulletin.core.errors import (
    AudioError,
    BulletinError,
    ConfigError,
    EngineError,
    InputError,
    LockedError,
    OptionError,
    PublishError,
    QAError,
    ScriptError,
    SourceError,
)

__version__ = "0.1.0"  # the one place the version is set (pyproject.toml reads it)

if TYPE_CHECKING:
    from bulletin.build.daily import run_logged as daily
    from bulletin.build.pipeline import build, make_script
    from bulletin.build.publishing import publish_folder as publish
    from bulletin.build.say import say
    from bulletin.config import Config, load_config

# Imported when first used, so that ``import bulletin`` (and ``bulletin --help``) stays light.
_LAZY = {
    "build": ("bulletin.build.pipeline", "build"),
    "make_script": ("bulletin.build.pipeline", "make_script"),
    "say": ("bulletin.build.say", "say"),
    "publish": ("bulletin.build.publishing", "publish_folder"),
    "daily": ("bulletin.build.daily", "run_logged"),
    "load_config": ("bulletin.config", "load_config"),
    "Config": ("bulletin.config", "Config"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'bulletin' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    return getattr(importlib.import_module(module), attribute)


__all__ = [
    "AudioError",
    "BulletinError",
    "Config",
    "ConfigError",
    "EngineError",
    "InputError",
    "LockedError",
    "OptionError",
    "PublishError",
    "QAError",
    "ScriptError",
    "SourceError",
    "build",
    "daily",
    "load_config",
    "make_script",
    "publish",
    "say",
]
