"""One registry pattern for everything bulletin has several kinds of: speech engines,
source kinds, output formats and loudness profiles.

An entry is an object with a ``name``, a one-line ``description`` and what it
``needs`` (an extra to install, the network). Built-in entries are listed as
``"module:attribute"`` so that a command imports only the entries it uses;
another package adds its own through a Python entry-point group
(``bulletin.engines``, ``bulletin.sources``, ``bulletin.formats``,
``bulletin.profiles``) without editing bulletin::

    [project.entry-points."bulletin.formats"]
    ogg = "bulletin_ogg:FORMAT"

An unknown name is a :class:`~bulletin.core.errors.ConfigError` that lists the
valid ones, like every other configuration mistake.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, Protocol, TypeVar, cast

from bulletin.core.errors import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Needs:
    """What an entry needs beyond bulletin's own dependencies."""

    extra: str = ""  # the pip extra that installs its packages: pip install 'bulletin[EXTRA]'
    network: bool = False  # it talks to a service on the internet

    def __str__(self) -> str:
        parts = [f"bulletin[{self.extra}]"] if self.extra else []
        return ", ".join([*parts, *(["network"] if self.network else [])]) or "nothing more"


class Described(Protocol):
    """What every registry entry says about itself."""

    name: str
    description: str
    needs: Needs


class Registry(Generic[T]):
    """Entries of one kind by name: the built-in ones, then those of installed plugins.

    ``check`` says whether a loaded object is an entry of this kind (a subclass of the
    engine interface, a :class:`~bulletin.formats.Format`, ...).
    """

    def __init__(self, what: str, group: str, builtin: Mapping[str, str], check: Callable[[Any], bool]) -> None:
        self.what, self.group, self.builtin, self.check = what, group, dict(builtin), check
        self._loaded: dict[str, T] = {}
        self._broken: set[str] = set()  # plugins that did not load, reported once

    @cached_property
    def _plugins(self) -> dict[str, EntryPoint]:
        found: dict[str, EntryPoint] = {}
        for point in entry_points(group=self.group):
            if point.name in self.builtin:
                log.warning(
                    "ignoring %s %r from %s: bulletin has its own of that name.", self.what, point.name, point.value
                )
            else:
                found.setdefault(point.name, point)
        return dict(sorted(found.items()))

    def names(self) -> list[str]:
        """Every name, built-in ones first in their order, then plugins' (without loading any)."""
        return [*self.builtin, *self._plugins]

    def __contains__(self, name: object) -> bool:
        return name in self.builtin or name in self._plugins

    def __iter__(self) -> Iterator[T]:
        """Every entry that loads; a plugin that does not is left out with a warning (asked for by
        name, it is an error)."""
        entries = []
        for name in self.names():
            try:
                entries.append(self.get(name))
            except ConfigError as exc:
                if name in self.builtin:
                    raise
                if name not in self._broken:
                    self._broken.add(name)
                    log.warning("%s", exc)
        return iter(entries)

    def unknown(self, name: str) -> ConfigError:
        """The error for a name that is not registered: it lists the valid ones."""
        return ConfigError(f"unknown {self.what} {name!r}; choose one of: {', '.join(self.names())}.")

    def get(self, name: str) -> T:
        """The entry called ``name`` (imported when first asked for)."""
        if name in self._loaded:
            return self._loaded[name]
        if name in self.builtin:
            module, _, attribute = self.builtin[name].partition(":")
            entry = getattr(importlib.import_module(module), attribute)
        elif name in self._plugins:
            point = self._plugins[name]
            try:
                entry = point.load()
            except Exception as exc:  # a broken plugin is a mistake in what is installed, not a bug of ours
                raise ConfigError(
                    f"the {self.what} {name!r} ({point.value}) cannot be loaded: {type(exc).__name__}: {exc}"
                ) from None
        else:
            raise self.unknown(name)
        if not self.check(entry) or getattr(entry, "name", None) != name:
            raise ConfigError(
                f"{self.group} entry point {name!r} is not a {self.what} named {name!r}; "
                "check the plugin that provides it."
            )
        self._loaded[name] = entry
        return cast(T, entry)
