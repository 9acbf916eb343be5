"""Layered configuration: package defaults, then ``bulletin.toml``, then flags,
every value checked against the schema (:mod:`bulletin.config.schema`) into
typed settings. A mistake names the file, line and key."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from bulletin.config import schema
from bulletin.core.errors import ConfigError
from bulletin.core.schema import URL_SCHEME, check_value, defaults_of, unknown
from bulletin.core.tomlfile import line_of, line_of_array_table, read_toml, where
from bulletin.sources import SourceSpec
from bulletin.storage.bucket import is_s3

CONFIG_NAME = "bulletin.toml"
DEFAULTS_NAME = "defaults.toml"
SOURCES = "sources"
COMMAND_LINE = "command line"  # stands in for file:line in messages about options
# Keys that moved to a format's own section: an older bulletin.toml is told where they are now.
MOVED = {
    ("audio", "sample_rate"): ("mp3", "sample_rate"),
    ("audio", "wav_sample_rate"): ("wav", "sample_rate"),
    ("audio", "bit_depth"): ("wav", "bit_depth"),
}

Values = dict[str, dict[str, Any]]


def defaults_text() -> str:
    """The text of ``defaults.toml``: every default, and each key's meaning in its comment."""
    return resources.files(__package__).joinpath(DEFAULTS_NAME).read_text("utf-8")


def defaults() -> Values:
    """The defaults of every section: ``defaults.toml`` for bulletin's own, which must hold
    exactly the schema's keys; a plugin's section brings its defaults along."""
    values: Values = tomllib.loads(defaults_text())
    types = schema.section_types()
    for name, cls in types.items():
        table = values.get(name)
        if table is None and name in schema.registered_sections():
            table = values[name] = defaults_of(cls)
        expected = set(schema.sections()[name])
        if table is None or set(table) != expected:  # a programming error: a new key is one line in each place
            raise RuntimeError(
                f"{DEFAULTS_NAME} and the schema disagree on [{name}]: {sorted(table or {})} != {sorted(expected)}"
            )
    extra = set(values) - set(types)
    if extra:
        raise RuntimeError(f"{DEFAULTS_NAME} has sections the schema does not: {sorted(extra)}")
    return values


@dataclass(frozen=True)
class Config:
    """The typed settings, the sources, and the file they came from (if any)."""

    settings: schema.Settings
    sources: tuple[SourceSpec, ...] = ()
    path: Path | None = None

    def values(self) -> Values:
        """Every section's values, by name (to build on)."""
        return {
            name: {f.name: getattr(section, f.name) for f in fields(section)}
            for name in schema.section_types()
            for section in [self.settings.section(name)]
        }

    def override(self, overrides: Mapping[str, Any]) -> Config:
        """This configuration with ``"section.key"`` values over it, each checked as a value in
        the file would be; ``None`` values leave a key as it is (an option not given)."""
        values = self.values()
        _apply(values, overrides)
        return Config(schema.build(values), self.sources, self.path)


def _relative_to(path: Path, value: str) -> str:
    """A folder given relative to the configuration file, as an absolute path (a bucket stays as it is)."""
    if not value or Path(value).is_absolute() or is_s3(value):
        return value
    return str((path.parent / value).resolve())


def _sources(path: Path, text: str, tables: Any) -> tuple[SourceSpec, ...]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(
            f"{where(path, line_of(text, SOURCES))}: sources are [[sources]] tables, each with a name and a location."
        )
    keys, out, names = schema.source_keys(), [], set()
    for index, table in enumerate(tables):
        here = where(path, line_of_array_table(text, SOURCES, index))
        for name, key in keys.items():
            if key.required and name not in table:
                typo = difflib.get_close_matches(name, [k for k in table if k not in keys], n=1)
                hint = f"; is {typo[0]!r} meant to be {name!r}?" if typo else "."
                raise ConfigError(f"{here}: [[sources]] number {index + 1} has no {name}{hint}")
        checked: dict[str, Any] = {}
        for name, value in table.items():
            line = where(path, line_of_array_table(text, SOURCES, index, name))
            if name not in keys:
                raise unknown(line, f"unknown key {name!r} in [[sources]]", name, keys)
            checked[name] = check_value(keys[name], value, line, f"[[sources]] {name}")
        if checked["name"] in names:
            raise ConfigError(f"{here}: [[sources]] name {checked['name']!r} is used twice; names must differ.")
        names.add(checked["name"])
        if not URL_SCHEME.match(checked["location"]):
            checked["location"] = _relative_to(path, checked["location"])
        out.append(SourceSpec(**checked))
    return tuple(out)


def _merge_file(merged: Values, path: Path) -> tuple[SourceSpec, ...]:
    text, user = read_toml(path, "config file")
    sections = schema.sections()
    sources: tuple[SourceSpec, ...] = ()
    for section, table in user.items():
        if section == SOURCES:
            sources = _sources(path, text, table)
            continue
        here = where(path, line_of(text, section))
        if section not in sections:
            raise unknown(here, f"unknown section [{section}]", section, sections)
        if not isinstance(table, dict):
            raise ConfigError(f"{here}: [{section}] must be a table of settings, got {table!r}.")
        for name, value in table.items():
            line = where(path, line_of(text, section, name))
            if (section, name) in MOVED:
                new_section, new_name = MOVED[section, name]
                raise ConfigError(f"{line}: [{section}] {name} is now [{new_section}] {new_name}; move it there.")
            if name not in sections[section]:
                raise unknown(line, f"unknown key {name!r} in [{section}]", name, sections[section])
            key = sections[section][name]
            value = check_value(key, value, line, f"[{section}] {name}")
            merged[section][name] = _relative_to(path, value) if key.path else value
    return sources


def _apply(values: Values, overrides: Mapping[str, Any]) -> None:
    sections = schema.sections()
    for dotted, value in overrides.items():
        if value is not None:
            section, name = dotted.split(".")
            values[section][name] = check_value(sections[section][name], value, COMMAND_LINE, f"[{section}] {name}")


def load_config(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then ``path`` (or ./bulletin.toml if present), then ``overrides``.

    ``overrides`` maps ``"section.key"`` to a value; ``None`` values are skipped,
    so unset flags fall through to the file and the defaults. Every value is
    checked against the schema; a mistake is a ConfigError naming the file and
    line (or the option) and the key.
    """
    merged = defaults()
    source = path if path is not None else (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
    sources: tuple[SourceSpec, ...] = ()
    if source is not None:
        sources = _merge_file(merged, source)
        if merged["boilerplate"]["words"]:  # a mistake in the user's word list is a config error now
            from bulletin.sources.boilerplate import load_boilerplate

            load_boilerplate(Path(merged["boilerplate"]["words"]))
    _apply(merged, overrides or {})
    return Config(schema.build(merged), sources, source)
