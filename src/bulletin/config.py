"""Layered configuration: package defaults, then ``bulletin.toml``, then flags.

Stages never read configuration; this module turns it into the plain
settings objects each stage takes.
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bulletin.audio import AudioSettings, Gaps
from bulletin.audio.profiles import get_profile
from bulletin.audio.sounders import SounderSet, load_sounders
from bulletin.errors import ConfigError
from bulletin.publish import CHANNEL_COVER
from bulletin.publish.feed import Show
from bulletin.script import ScriptSettings
from bulletin.sources import SourceSpec
from bulletin.sources.fetch import FetchSettings
from bulletin.voices import builtin_voices_dir

CONFIG_NAME = "bulletin.toml"
MS_PER_S = 1000
# Keys whose values are paths: relative ones are taken from the config file's folder.
PATH_KEYS = {("output", "dir"), ("voice", "voices_dir"), ("cache", "dir"), ("show", "cover"), ("daily", "log_file"),
             ("sounders", "intro"), ("sounders", "between"), ("sounders", "outro"), ("sounders", "bed_file")}


def _defaults() -> dict[str, dict[str, Any]]:
    return tomllib.loads(resources.files(__package__).joinpath("defaults.toml").read_text("utf-8"))


@dataclass(frozen=True)
class Config:
    """Merged settings and where they came from."""

    values: Mapping[str, Mapping[str, Any]]
    source: Path | None = None

    def get(self, section: str, key: str) -> Any:
        """One value, e.g. ``config.get("audio", "bitrate")``."""
        return self.values[section][key]


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line of ``[section]`` (or of ``key`` under it), for error messages."""
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            if key is None and current == section:
                return number
        elif key is not None and current == section and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _type_name(value: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text in quotes"}.get(
        type(value), type(value).__name__
    )


def _check(section: str, key: str, value: Any, default: Any, where: str) -> Any:
    expected = type(default)
    ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ConfigError(f"{where}: [{section}] {key} must be {_type_name(default)}, got {value!r}.")
    return value


SOURCES = "sources"
SOURCE_KEYS: dict[str, type] = {"name": str, "location": str, "kind": str, "announce": str, "max_items": int}
SOURCE_REQUIRED = ("name", "location")


def _line_of_source(text: str, index: int, key: str | None = None) -> int | None:
    """The line of the ``index``-th ``[[sources]]`` table (or of ``key`` in it)."""
    count, inside = -1, False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[[{SOURCES}]]" and (count := count + 1) == index
            if inside and key is None:
                return number
        elif inside and key and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _sources(path: Path, text: str, tables: Any) -> list[dict[str, Any]]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{path}: sources are [[sources]] tables with a name and a location.")
    out = []
    for index, table in enumerate(tables):
        where = f"{path}:{_line_of_source(text, index) or '?'}"
        for key in SOURCE_REQUIRED:
            if key not in table:
                raise ConfigError(f"{where}: [[sources]] number {index + 1} has no {key}.")
        for key, value in table.items():
            line = f"{path}:{_line_of_source(text, index, key) or '?'}"
            if key not in SOURCE_KEYS:
                raise ConfigError(f"{line}: unknown key {key!r} in [[sources]]; known: {', '.join(SOURCE_KEYS)}.")
            if not isinstance(value, SOURCE_KEYS[key]) or isinstance(value, bool):
                raise ConfigError(f"{line}: [[sources]] {key} must be {_type_name(SOURCE_KEYS[key]())}, got {value!r}.")
        location = table["location"]
        if not re.match(r"https?://", location, re.IGNORECASE) and not Path(location).is_absolute():
            table = {**table, "location": str((path.parent / location).resolve())}
        out.append(table)
    return out


def _merge_file(merged: dict[str, Any], path: Path) -> None:
    try:
        text = path.read_text("utf-8")
        user = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    for section, table in user.items():
        if section == SOURCES:
            merged[SOURCES] = _sources(path, text, table)
            continue
        if section not in merged or not isinstance(table, dict):
            known = ", ".join(f"[{s}]" for s in merged if s != SOURCES)
            raise ConfigError(f"{path}:{_line_of(text, section) or '?'}: unknown section [{section}]; known: {known}.")
        for key, value in table.items():
            where = f"{path}:{_line_of(text, section, key) or '?'}"
            if key not in merged[section]:
                close = difflib.get_close_matches(key, merged[section], n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(merged[section])}."
                raise ConfigError(f"{where}: unknown key {key!r} in [{section}]; {hint}")
            value = _check(section, key, value, merged[section][key], where)
            if (section, key) in PATH_KEYS and value:
                value = str((path.parent / value).resolve()) if not Path(value).is_absolute() else value
            merged[section][key] = value


def load_config(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then ``path`` (or ./bulletin.toml if present), then ``overrides``.

    ``overrides`` maps ``"section.key"`` to a value; ``None`` values are skipped,
    so unset flags fall through to the file and the defaults.
    """
    merged: dict[str, Any] = {**copy.deepcopy(_defaults()), SOURCES: []}
    source = path if path is not None else (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
    if source is not None:
        _merge_file(merged, source)
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        section, key = dotted.split(".")
        merged[section][key] = _check(section, key, value, merged[section][key], "option")
    return Config(values=merged, source=source)


# --- settings for each stage ----------------------------------------------------


def timezone(config: Config) -> ZoneInfo:
    """The show's time zone."""
    name = config.get("show", "timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"[show] timezone {name!r} is not a known time zone (e.g. \"Europe/Amsterdam\").") from None


def script_settings(config: Config) -> ScriptSettings:
    """Settings for the script stage."""
    return ScriptSettings(
        show=config.get("show", "title"),
        intro=config.get("script", "intro"),
        outro=config.get("script", "outro"),
        gap_seconds=config.get("audio", "gap_ms") / MS_PER_S,
    )


def engine_options(config: Config, engine: str) -> dict[str, Any]:
    """Runtime options for an engine from its own section (e.g. ``[gtts]``), if any."""
    return dict(config.values.get(engine, {}))


def cache_dir(config: Config) -> Path | None:
    """The cache folder (segments, parts, fetched sources); ``None`` when caching is off."""
    return cache_location(config) if config.get("cache", "enabled") else None


def cache_location(config: Config) -> Path:
    """Where the cache folder is (or would be), whether caching is on or not."""
    from bulletin.caches import default_root

    configured = config.get("cache", "dir")
    return Path(configured) if configured else default_root()


def audio_settings(config: Config) -> AudioSettings:
    """Settings for the audio stage."""
    audio = config.values["audio"]
    return AudioSettings(
        sample_rate=audio["sample_rate"],
        profile=get_profile(audio["profile"]),
        gaps=Gaps(
            between_ms=audio["gap_ms"],
            after_intro_ms=audio["gap_after_intro_ms"],
            before_outro_ms=audio["gap_before_outro_ms"],
        ),
        sounder_level_lu=config.get("sounders", "level"),
    )


def sounders(config: Config) -> SounderSet:
    """The sounders to play (the built-in ones unless files are configured), or none."""
    table = config.values["sounders"]
    if not table["enabled"]:
        return SounderSet.silent(config.get("audio", "sample_rate"))
    return load_sounders(config.get("audio", "sample_rate"), table["intro"], table["between"],
                         table["outro"], table["bed"], table["bed_file"])


def voice_dirs(config: Config) -> list[Path]:
    """Folders searched for voice profiles, the user's first."""
    extra = config.get("voice", "voices_dir")
    return [*([Path(extra)] if extra else []), builtin_voices_dir()]


def show(config: Config) -> Show:
    """The feed's channel settings."""
    table, publishing = config.values["show"], config.values["publish"]
    return Show(
        title=table["title"], description=table["description"], author=table["author"],
        language=table["language"], link=table["link"], base_url=publishing["base_url"],
        category=table["category"], subcategory=table["subcategory"], explicit=table["explicit"],
        owner_name=table["owner_name"], owner_email=table["owner_email"], locked=publishing["locked"],
        cover=CHANNEL_COVER,
    )


def channel_cover(config: Config) -> bytes:
    """The show's cover: the user's own, or one drawn with the show's name."""
    from bulletin.cover import load_cover, make_cover

    own = config.get("show", "cover")
    return load_cover(Path(own)) if own else make_cover(config.get("show", "title"), "")


# Keys a new user fills in first; the rest of the starter file is commented out.
STARTER_KEYS = {("show", "title"), ("show", "description"), ("show", "author"), ("show", "owner_email"),
                ("publish", "base_url")}


def starter_text() -> str:
    """A commented ``bulletin.toml``: every setting with its default and what it does."""
    lines = [
        "# bulletin.toml: settings for bulletin. Every key is shown with its default;",
        "# uncomment a line to change it. Command-line options override this file.",
        "",
    ]
    section = None
    for line in resources.files(__package__).joinpath("defaults.toml").read_text("utf-8").splitlines()[3:]:
        header = re.match(r"\[(\w+)\]", line)
        if header:
            section = header.group(1)
            lines.append(line)
            continue
        key = re.match(r"(\w+)\s*=", line)
        lines.append(line if not key or (section, key.group(1)) in STARTER_KEYS else f"# {line}")
    return "\n".join(lines) + "\n"


def fetch_settings(config: Config) -> FetchSettings:
    """How sources are fetched."""
    from bulletin.caches import HTTP

    table = config.values["fetch"]
    root = cache_dir(config)
    return FetchSettings(
        timeout=table["timeout"], connect_timeout=table["connect_timeout"], tries=table["tries"],
        backoff=table["backoff"], max_bytes=int(table["max_mb"] * 1e6), deadline=table["deadline"],
        cache_dir=root / HTTP if root else None,
    )


def input_max_bytes(config: Config) -> int:
    """The largest file accepted as a page or a source ([input] max_mb)."""
    return int(config.values["input"]["max_mb"] * 1e6)


def sources(config: Config) -> list[SourceSpec]:
    """The configured sources, in order."""
    return [SourceSpec(**table) for table in config.values[SOURCES]]
