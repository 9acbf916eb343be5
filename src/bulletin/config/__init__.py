"""Layered configuration: package defaults, then ``bulletin.toml``, then flags.

Stages never read configuration; this module turns it into the plain
settings objects each stage takes.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bulletin.config import schema
from bulletin.audio import AudioSettings, Gaps
from bulletin.formats import WAV, get_format
from bulletin.audio.profiles import get_profile
from bulletin.audio.sounders import SounderSet, load_sounders
from bulletin.core.errors import ConfigError
from bulletin.core.pcm import MS_PER_S
from bulletin.publish import CHANNEL_COVER
from bulletin.publish.feed import Show
from bulletin.publish.s3 import S3Target, parse_target
from bulletin.script import ScriptSettings
from bulletin.sources import SourceSpec
from bulletin.sources.boilerplate import Boilerplate, load_boilerplate
from bulletin.sources.fetch import FetchSettings
from bulletin.core.paths import builtin_voices_dir

CONFIG_NAME = "bulletin.toml"
DEFAULTS_NAME = "defaults.toml"
SOURCES = "sources"
BYTES_PER_MB = 1_000_000
COMMAND_LINE = "command line"  # stands in for file:line in messages about options


def _defaults_text() -> str:
    return resources.files(__package__).joinpath(DEFAULTS_NAME).read_text("utf-8")


def _defaults() -> dict[str, dict[str, Any]]:
    """The package defaults, which must hold exactly the schema's sections and keys."""
    values = tomllib.loads(_defaults_text())
    expected = {name: set(keys) for name, keys in schema.sections().items()}
    found = {name: set(table) for name, table in values.items()}
    if found != expected:  # a programming error: a new key is one line in each place
        raise RuntimeError(f"{DEFAULTS_NAME} and settings.py disagree: {found} != {expected}")
    return values


@dataclass(frozen=True)
class Config:
    """Merged settings and where they came from."""

    values: Mapping[str, Mapping[str, Any]]
    source: Path | None = None

    def get(self, section: str, key: str) -> Any:
        """One value, e.g. ``config.get("audio", "bitrate")``."""
        return self.values[section][key]

    @cached_property
    def settings(self) -> schema.Settings:
        """Every section as a typed object, e.g. ``config.settings.gtts.concurrent``."""
        return schema.build({name: dict(self.values[name]) for name in schema.sections()})

    def section(self, name: str) -> Any:
        """One section as a typed object by name, e.g. ``config.section("gtts")``; ``None`` if unknown."""
        return getattr(self.settings, name, None)


# --- where a key is written, for messages -----------------------------------------------------

HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]")
ARRAY_TABLE = "[["  # inside a [[sources]] table: no section's keys


def _key_line(line: str, *names: str) -> bool:
    """True if ``line`` assigns the (dotted) key ``names``, bare or quoted."""
    parts = r"\s*\.\s*".join(rf"(?:{re.escape(n)}|\"{re.escape(n)}\"|'{re.escape(n)}')" for n in names)
    return re.match(rf"\s*{parts}\s*[=.]", line) is not None


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line of ``key`` in ``[section]`` (else of the section itself), for messages."""
    current: str | None = None
    section_line = None
    for number, line in enumerate(text.splitlines(), 1):
        header = HEADER.match(line)
        if line.lstrip().startswith("[["):
            current = ARRAY_TABLE
        elif header:
            current = header.group(1)
            section_line = number if current == section else section_line
        elif current == section and key is not None and _key_line(line, key):
            return number
        elif current is None and _key_line(line, section):  # a dotted key or an inline table
            if key is not None and _key_line(line, section, key):
                return number
            section_line = section_line or number
    return section_line


def _line_of_source(text: str, index: int, key: str | None = None) -> int | None:
    """The line of the ``index``-th ``[[sources]]`` table (or of ``key`` in it)."""
    count, inside, table_line = -1, False, None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = re.fullmatch(rf"\[\[\s*{SOURCES}\s*\]\]", stripped) is not None and (count := count + 1) == index
            table_line = number if inside else table_line
            if inside and key is None:
                return number
        elif inside and key and _key_line(stripped, key):
            return number
    return table_line


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line or '?'}"


def key_location(path: Path, section: str, key: str) -> str | None:
    """``FILE:LINE`` where ``key`` of ``[section]`` is set in the TOML file ``path`` (or the
    section, when the key is not there), for messages; ``None`` when neither is found."""
    try:
        line = _line_of(path.read_text("utf-8"), section, key)
    except OSError:
        return None
    return _where(path, line) if line else None


# --- checking ---------------------------------------------------------------------------------


def _conform(key: schema.Key, value: Any, where: str, label: str) -> Any:
    try:
        return key.conform(value)
    except schema.Invalid as problem:
        raise ConfigError(f"{where}: {label} {problem}, got {value!r}.") from None


def _unknown(where: str, what: str, name: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}."
    return ConfigError(f"{where}: {what}; {hint}")


def _relative_to(path: Path, value: str) -> str:
    return str((path.parent / value).resolve()) if value and not Path(value).is_absolute() else value


def _sources(path: Path, text: str, tables: Any) -> list[dict[str, Any]]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        where = _where(path, _line_of(text, SOURCES))
        raise ConfigError(f"{where}: sources are [[sources]] tables, each with a name and a location.")
    keys, out, names = schema.source_keys(), [], set()
    for index, table in enumerate(tables):
        where = _where(path, _line_of_source(text, index))
        for name, key in keys.items():
            if key.required and name not in table:
                typo = difflib.get_close_matches(name, [k for k in table if k not in keys], n=1)
                hint = f"; is {typo[0]!r} meant to be {name!r}?" if typo else "."
                raise ConfigError(f"{where}: [[sources]] number {index + 1} has no {name}{hint}")
        checked: dict[str, Any] = {}
        for name, value in table.items():
            line = _where(path, _line_of_source(text, index, name))
            if name not in keys:
                raise _unknown(line, f"unknown key {name!r} in [[sources]]", name, list(keys))
            checked[name] = _conform(keys[name], value, line, f"[[sources]] {name}")
        if checked["name"] in names:
            raise ConfigError(f"{where}: [[sources]] name {checked['name']!r} is used twice; names must differ.")
        names.add(checked["name"])
        if not schema.URL_SCHEME.match(checked["location"]):
            checked["location"] = _relative_to(path, checked["location"])
        out.append(checked)
    return out


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text("utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found.") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a folder, not a file.") from None
    except PermissionError:
        raise ConfigError(f"config file {path} cannot be read (permission denied).") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        if at:
            raise ConfigError(f"{path}:{at.group(1)}: {message[:at.start()]} (TOML syntax).") from None
        raise ConfigError(f"{path}: {message} (TOML syntax).") from None


def _merge_file(merged: dict[str, Any], path: Path) -> None:
    text, user = _read(path)
    sections = schema.sections()
    for section, table in user.items():
        if section == SOURCES:
            merged[SOURCES] = _sources(path, text, table)
            continue
        where = _where(path, _line_of(text, section))
        if section not in sections:
            raise _unknown(where, f"unknown section [{section}]", section, list(sections))
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{section}] must be a table of settings, got {table!r}.")
        for name, value in table.items():
            line = _where(path, _line_of(text, section, name))
            if name not in sections[section]:
                raise _unknown(line, f"unknown key {name!r} in [{section}]", name, list(sections[section]))
            key = sections[section][name]
            value = _conform(key, value, line, f"[{section}] {name}")
            merged[section][name] = _relative_to(path, value) if key.path else value


def load_config(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then ``path`` (or ./bulletin.toml if present), then ``overrides``.

    ``overrides`` maps ``"section.key"`` to a value; ``None`` values are skipped,
    so unset flags fall through to the file and the defaults. Every value is
    checked against the schema (``settings.py``); a mistake is a ConfigError
    naming the file and line (or the option) and the key.
    """
    merged: dict[str, Any] = {**_defaults(), SOURCES: []}
    source = path if path is not None else (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
    if source is not None:
        _merge_file(merged, source)
        if merged["boilerplate"]["words"]:  # a mistake in the user's word list is a config error now
            load_boilerplate(Path(merged["boilerplate"]["words"]))
    sections = schema.sections()
    for dotted, value in (overrides or {}).items():
        if value is not None:
            section, name = dotted.split(".")
            merged[section][name] = _conform(sections[section][name], value, COMMAND_LINE, f"[{section}] {name}")
    return Config(values=merged, source=source)


# --- settings for each stage ----------------------------------------------------


def timezone(config: Config) -> ZoneInfo:
    """The show's time zone (checked when the configuration was loaded)."""
    return ZoneInfo(config.settings.show.timezone)


def script_settings(config: Config) -> ScriptSettings:
    """Settings for the script stage."""
    show, script = config.settings.show, config.settings.script
    return ScriptSettings(show=show.title, intro=script.intro, outro=script.outro,
                          gap_seconds=config.settings.audio.gap_ms / MS_PER_S)


def engine_options(config: Config, engine: str) -> dict[str, Any]:
    """Runtime options for an engine from its own section (e.g. ``[gtts]``), if any."""
    section = config.section(engine)
    return asdict(section) if section is not None else {}


def cache_dir(config: Config) -> Path | None:
    """The cache folder (segments, parts, fetched sources); ``None`` when caching is off."""
    return cache_location(config) if config.settings.cache.enabled else None


def cache_location(config: Config) -> Path:
    """Where the cache folder is (or would be), whether caching is on or not."""
    from bulletin.build.caches import default_root

    configured = config.settings.cache.dir
    return Path(configured) if configured else default_root()


def audio_rate(config: Config) -> int:
    """The bulletin's sample rate: WAV has a setting of its own (48 kHz, the broadcast norm)."""
    audio = config.settings.audio
    return audio.wav_sample_rate if get_format(audio.format).name == WAV else audio.sample_rate


def audio_settings(config: Config) -> AudioSettings:
    """Settings for the audio stage: the profile written in the configured format."""
    audio = config.settings.audio
    return AudioSettings(
        sample_rate=audio_rate(config),
        profile=replace(get_profile(audio.profile), format=get_format(audio.format).name),
        bit_depth=audio.bit_depth,
        gaps=Gaps(between_ms=audio.gap_ms, after_intro_ms=audio.gap_after_intro_ms,
                  before_outro_ms=audio.gap_before_outro_ms),
        sounder_level_lu=config.settings.sounders.level,
    )


def sounders(config: Config) -> SounderSet:
    """The sounders to play (the built-in ones unless files are configured), or none."""
    own, rate = config.settings.sounders, audio_rate(config)
    if not own.enabled:
        return SounderSet.silent(rate)
    return load_sounders(rate, own.intro, own.between, own.outro, own.bed, own.bed_file)


def voice_dirs(config: Config) -> list[Path]:
    """Folders searched for voice profiles, the user's first."""
    extra = config.settings.voice.voices_dir
    return [*([Path(extra)] if extra else []), builtin_voices_dir()]


def show(config: Config) -> Show:
    """The feed's channel settings."""
    own, publishing = config.settings.show, config.settings.publish
    return Show(
        title=own.title, description=own.description, author=own.author, language=own.language,
        link=own.link, base_url=publishing.base_url, category=own.category, subcategory=own.subcategory,
        explicit=own.explicit, owner_name=own.owner_name, owner_email=own.owner_email,
        locked=publishing.locked, cover=CHANNEL_COVER,
    )


def publish_target(config: Config) -> S3Target | None:
    """Where publishing copies the folder: a bucket and prefix, or ``None`` for the folder only."""
    url = config.get("publish", "target")
    return parse_target(url, config.get("publish", "aws_profile")) if url else None


def channel_cover(config: Config) -> bytes:
    """The show's cover: the user's own, or one drawn with the show's name."""
    from bulletin.media.cover import load_cover, make_cover

    own = config.settings.show
    return load_cover(Path(own.cover)) if own.cover else make_cover(own.title, "")


def fetch_settings(config: Config) -> FetchSettings:
    """How sources are fetched."""
    from bulletin.build.caches import HTTP

    fetch = config.settings.fetch
    root = cache_dir(config)
    return FetchSettings(
        timeout=fetch.timeout, connect_timeout=fetch.connect_timeout, tries=fetch.tries,
        backoff=fetch.backoff, max_bytes=int(fetch.max_mb * BYTES_PER_MB), deadline=fetch.deadline,
        cache_dir=root / HTTP if root else None,
    )


def boilerplate(config: Config, spec: SourceSpec) -> Boilerplate:
    """The rules that drop web boilerplate from ``spec``'s text: the shipped word
    lists, the user's ([boilerplate] words), then the source's own ``drop`` patterns."""
    words = config.settings.boilerplate.words
    return load_boilerplate(Path(words) if words else None).with_drop(spec.drop)


def input_max_bytes(config: Config) -> int:
    """The largest file accepted as a page or a source ([input] max_mb)."""
    return int(config.settings.input.max_mb * BYTES_PER_MB)


def sources(config: Config) -> list[SourceSpec]:
    """The configured sources, in order."""
    return [SourceSpec(**table) for table in config.values[SOURCES]]


# --- the starter file ----------------------------------------------------------------------------

# Keys a new user fills in first; the rest of the starter file is commented out.
STARTER_KEYS = {("show", "title"), ("show", "description"), ("show", "author"), ("show", "owner_email"),
                ("publish", "base_url")}
STARTER_HEADER = (
    "# bulletin.toml: settings for bulletin. Every key is shown with its default;",
    "# uncomment a line to change it. Command-line options override this file.",
)
MEANING_COLUMN = 34  # where a key's "# meaning" starts, as in defaults.toml


@dataclass
class _Notes:
    """What defaults.toml says about a section in its comments."""

    before: dict[str, list[str]]  # key -> the comment lines above it
    meaning: dict[str, str]  # key -> its trailing comment
    after: list[str]  # comment lines after the section's last key


def _split_comment(line: str) -> tuple[str, str]:
    """``key = value  # meaning`` -> (``key = value``, ``meaning``); a ``#`` inside a string stays."""
    for at in (i for i, char in enumerate(line) if char == "#"):
        try:
            tomllib.loads(line[:at])
        except tomllib.TOMLDecodeError:
            continue
        return line[:at].rstrip(), line[at + 1:].strip()
    return line.rstrip(), ""


def defaults_notes() -> dict[str, _Notes]:
    """Each section's comments in defaults.toml: the meaning of every key lives there."""
    notes: dict[str, _Notes] = {}
    section: str | None = None
    pending: list[str] = []
    for line in _defaults_text().splitlines():
        stripped = line.strip()
        header = HEADER.fullmatch(stripped)
        if header:
            section, pending = header.group(1), []
            notes[section] = _Notes({}, {}, [])
        elif stripped.startswith("#"):
            pending.append(stripped)
        elif stripped and section is not None:
            assignment, meaning = _split_comment(stripped)
            key = assignment.split("=", 1)[0].strip()
            notes[section].before[key], notes[section].meaning[key], pending = pending, meaning, []
        if section is not None:
            notes[section].after = pending  # the comments since the section's last key
    return notes


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    return repr(value)


def starter_text() -> str:
    """A commented ``bulletin.toml``, made from the schema and the defaults: every key
    with its default value and its meaning; the first few to fill in are live."""
    defaults, notes = _defaults(), defaults_notes()
    lines = list(STARTER_HEADER)
    for section, keys in schema.sections().items():
        lines += ["", f"[{section}]"]
        said = notes[section]
        for key in keys:
            entry = f"{key} = {_toml_value(defaults[section][key])}"
            if (section, key) not in STARTER_KEYS:
                entry = f"# {entry}"
            meaning = said.meaning.get(key)
            lines += said.before.get(key, [])
            lines.append(f"{entry:<{MEANING_COLUMN - 2}}  # {meaning}" if meaning else entry)
        lines += said.after
    return "\n".join(lines) + "\n"
