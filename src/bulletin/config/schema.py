"""The schema of ``bulletin.toml``: every section's keys, their types and the values they may take.

Default values (and each key's one-line meaning) live only in ``defaults.toml``;
this module says what a value must be. A new setting is one line there and one
line here: ``name: type = setting(check, ...)`` (see :mod:`bulletin.core.schema`).
Engines and formats with settings of their own declare their section themselves
(``Section``: ``[gtts]``, ``[mp3]``); it joins the schema under their name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from string import Formatter
from typing import Any, get_type_hints

from bulletin.core.schema import (
    Check,
    Key,
    above,
    at_least,
    at_most,
    email,
    filled,
    folder_url,
    keys_of,
    language,
    location,
    one_of,
    regex,
    setting,
    time_zone,
    uuid_text,
    web_url,
)

# Sane maxima: far beyond any sensible value, low enough to catch a slip of the finger.
MAX_SECONDS = 3600.0  # any timeout or wait
MAX_TRIES = 100
MAX_RETENTION = 100_000  # bulletins in a feed
MAX_GAP_MS = 10_000
MAX_SOURCE_MB = 1000.0
MAX_CACHE_DAYS = 100 * 365
MIN_SEGMENTS = 3  # the intro, the lead and the outro
MAX_SEGMENTS = 65_025  # the chapters one top-level table of tables can list (255 x 255)
MAX_BULLETIN_MINUTES = 24 * 60  # a day of speech: [script] max_minutes may be raised this far
SOUNDER_LEVEL_LU = (-40.0, 10.0)  # against the speech
MAX_PORT = 65535
APPROVALS = ("none", "required")  # [daily] approval: publish at once, or wait for an editor
ON_DEADLINE = ("publish", "hold")  # [daily] on_deadline: what an unapproved draft does at the deadline
DURATION = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d)")
SECONDS_PER = {"s": 1, "m": 60, "h": 3600, "d": 24 * 3600}
MAX_DEADLINE_S = 24 * 3600.0
MAX_AGE_S = 366 * 24 * 3600.0  # [news] max_age: a year at most ("0h" is no limit)


# --- checks of our own ---------------------------------------------------------------------


def template(value: str) -> str | None:
    """Plain placeholders from the documented set only: no attribute or index access
    (``{show.__class__}``, ``{show[0]}``), conversions or format specs."""
    from bulletin.script.assemble import PLACEHOLDERS

    allowed = " ".join("{" + name + "}" for name in PLACEHOLDERS)
    try:
        parts = list(Formatter().parse(value))
    except ValueError as exc:
        return f"is not a valid template ({exc}; write {{{{ or }}}} for a brace)"
    for _, name, spec, conversion in parts:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            return f"may only use the placeholders {allowed}"
    return None


def s3_target(value: str) -> str | None:
    """Empty, or ``s3://BUCKET/PREFIX/`` with a valid bucket name."""
    from bulletin.core.errors import ConfigError
    from bulletin.storage.bucket import parse_target

    try:
        if value:
            parse_target(value)
    except ConfigError:
        return (
            "must be empty or s3://BUCKET/PREFIX/ with a bucket name of 3-63 lowercase letters, "
            "digits, dots and hyphens"
        )
    return None


def shared_location(value: str) -> str | None:
    """Empty, a folder, or ``s3://BUCKET/PREFIX/`` with a valid bucket name."""
    from bulletin.storage.bucket import is_s3

    if is_s3(value) and s3_target(value):
        return (
            "must be a folder or s3://BUCKET/PREFIX/ with a bucket name of 3-63 lowercase letters, "
            "digits, dots and hyphens"
        )
    return None


def duration_seconds(value: str) -> float:
    """``"90s"``, ``"10m"``, ``"1.5h"``, ``"2d"`` in seconds (checked by :func:`duration` or
    :func:`age` first)."""
    found = DURATION.fullmatch(value.strip())
    assert found is not None
    return float(found["number"]) * SECONDS_PER[found["unit"]]


def duration(value: str) -> str | None:
    """A length of time such as "90s", "10m" or "1h", at most a day."""
    if not DURATION.fullmatch(value.strip()):
        return 'must be a length of time such as "90s", "10m" or "1h"'
    if not 0 < duration_seconds(value) <= MAX_DEADLINE_S:
        return "must be more than 0 and at most 24h"
    return None


def age(value: str) -> str | None:
    """How old an item may be: a length of time such as "36h" or "7d", at most a year; "0h" for no limit."""
    if not DURATION.fullmatch(value.strip()):
        return 'must be a length of time such as "36h", "90m" or "7d" ("0h": no limit)'
    if duration_seconds(value) > MAX_AGE_S:
        return "must be at most a year (366d)"
    return None


def _profiles() -> Iterable[str]:
    from bulletin.audio.profiles import PROFILES

    return PROFILES.names()


def _formats() -> Iterable[str]:
    from bulletin.formats import FORMATS

    return FORMATS.names()


def _engines() -> Iterable[str]:
    from bulletin.casting.cast import AUTO
    from bulletin.tts import ENGINES

    return [AUTO, *ENGINES.names()]


def _source_kinds() -> Iterable[str]:
    from bulletin.sources import kind_names

    return kind_names()


# --- sections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowSection:
    """``[show]``: the show's name and the feed's channel."""

    title: str = setting(filled)
    description: str = setting()
    author: str = setting()
    owner_name: str = setting()
    owner_email: str = setting(email)
    language: str = setting(language)
    link: str = setting(web_url)
    category: str = setting()
    subcategory: str = setting()
    explicit: bool = setting()
    genre: str = setting()
    timezone: str = setting(time_zone)
    cover: str = setting(path=True)
    guid: str = setting(uuid_text)


@dataclass(frozen=True)
class PublishSection:
    """``[publish]``: the feeds."""

    base_url: str = setting(folder_url)
    retention: int = setting(at_least(1), at_most(MAX_RETENTION))
    delete_old_audio: bool = setting()
    alexa: bool = setting()
    locked: bool = setting()
    target: str = setting(s3_target)
    aws_profile: str = setting()
    lease: str = setting(duration)
    new_feed_url: str = setting(web_url)


@dataclass(frozen=True)
class ScriptSection:
    """``[script]``: the anchor's words."""

    intro: str = setting(template)
    outro: str = setting(template)
    max_segments: int = setting(at_least(MIN_SEGMENTS), at_most(MAX_SEGMENTS))
    max_minutes: int = setting(at_least(1), at_most(MAX_BULLETIN_MINUTES))


@dataclass(frozen=True)
class VoiceSection:
    """``[voice]``: who speaks."""

    anchor: str = setting(filled)
    newsreader: str = setting(filled)
    engine: str = setting(one_of(_engines))
    fallback: str | list[str] = setting(filled)  # one voice, or a list tried in order
    voices_dir: str = setting(path=True)
    lexicon: str = setting(path=True)


@dataclass(frozen=True)
class FetchSection:
    """``[fetch]``: sources on the web."""

    timeout: float = setting(above(0), at_most(MAX_SECONDS))
    connect_timeout: float = setting(above(0), at_most(MAX_SECONDS))
    tries: int = setting(at_least(1), at_most(MAX_TRIES))
    backoff: float = setting(at_least(0), at_most(MAX_SECONDS))
    max_mb: float = setting(above(0), at_most(MAX_SOURCE_MB))
    deadline: float = setting(above(0), at_most(MAX_SECONDS))


@dataclass(frozen=True)
class InputSection:
    """``[input]``: files given as a page or a source."""

    max_mb: float = setting(above(0), at_most(MAX_SOURCE_MB))


@dataclass(frozen=True)
class NewsSection:
    """``[news]``: what counts as news in a source."""

    max_age: str = setting(age)


@dataclass(frozen=True)
class DailySection:
    """``[daily]``: the unattended run."""

    log_file: str = setting(path=True)
    keep_cache_days: int = setting(at_least(0), at_most(MAX_CACHE_DAYS))
    approval: str = setting(one_of(lambda: APPROVALS))
    approval_deadline: str = setting(duration)
    on_deadline: str = setting(one_of(lambda: ON_DEADLINE))


@dataclass(frozen=True)
class CacheSection:
    """``[cache]``: synthesised segments, parts and fetched sources."""

    enabled: bool = setting()
    dir: str = setting(path=True)
    location: str = setting(shared_location, path=True)


@dataclass(frozen=True)
class AudioSection:
    """``[audio]``: loudness profile, format and gaps (each format has a section of its own)."""

    profile: str = setting(one_of(_profiles))
    format: str = setting(one_of(_formats))
    gap_ms: int = setting(at_least(0), at_most(MAX_GAP_MS))
    gap_after_intro_ms: int = setting(at_least(0), at_most(MAX_GAP_MS))
    gap_before_outro_ms: int = setting(at_least(0), at_most(MAX_GAP_MS))


@dataclass(frozen=True)
class SoundersSection:
    """``[sounders]``: stings, sounders and the bed."""

    enabled: bool = setting()
    intro: str = setting(path=True)
    between: str = setting(path=True)
    outro: str = setting(path=True)
    bed: bool = setting()
    bed_file: str = setting(path=True)
    level: float = setting(at_least(SOUNDER_LEVEL_LU[0]), at_most(SOUNDER_LEVEL_LU[1]))


@dataclass(frozen=True)
class BoilerplateSection:
    """``[boilerplate]``: web text that is not read."""

    words: str = setting(path=True)


@dataclass(frozen=True)
class OutputSection:
    """``[output]``: where bulletins are written."""

    dir: str = setting(filled, path=True)


@dataclass(frozen=True)
class StudioSection:
    """``[studio]``: the newsroom's desk (``bulletin studio``)."""

    host: str = setting(filled)
    port: int = setting(at_least(0), at_most(MAX_PORT))
    auth_file: str = setting(path=True)
    allowed_hosts: list[str] = setting(filled)
    https: bool = setting()


@dataclass(frozen=True)
class Settings:
    """Every section, typed; a new section is a class above and one line here. Engines' and
    formats' own sections (``[gtts]``, ``[mp3]``) are in ``registered``, by name."""

    show: ShowSection
    publish: PublishSection
    script: ScriptSection
    voice: VoiceSection
    fetch: FetchSection
    input: InputSection
    boilerplate: BoilerplateSection
    news: NewsSection
    daily: DailySection
    cache: CacheSection
    audio: AudioSection
    sounders: SoundersSection
    output: OutputSection
    studio: StudioSection
    registered: Mapping[str, Any]

    def section(self, name: str) -> Any:
        """One section by name (``"audio"``, ``"gtts"``, ``"mp3"``)."""
        return self.registered[name] if name in self.registered else getattr(self, name)


REGISTERED = "registered"  # the field of Settings that holds engines' and formats' sections


# ``[[sources]]`` tables: their keys and types are ``SourceSpec``'s fields (those without a
# default are required); these are the checks on top.
SOURCE_CHECKS: dict[str, tuple[Check, ...]] = {
    "name": (filled,),
    "location": (location,),
    "kind": (one_of(_source_kinds),),
    "max_items": (at_least(0),),
    "drop": (regex,),
    "max_age": (age,),
}


# --- reading the schema ------------------------------------------------------------------------


def static_sections() -> dict[str, type]:
    """The sections of the schema itself, by name, in order."""
    hints = get_type_hints(Settings)
    return {f.name: hints[f.name] for f in fields(Settings) if f.name != REGISTERED}


@cache
def registered_sections() -> dict[str, type]:
    """The sections engines and formats declare (``Section``), by their names."""
    from bulletin.formats import FORMATS
    from bulletin.tts import ENGINES

    found: dict[str, type] = {}
    for entry in [*ENGINES, *FORMATS]:
        if entry.Section is None:
            continue
        if entry.name in found or entry.name in static_sections():
            raise RuntimeError(f"two sections are called [{entry.name}]")  # an engine and a format of one name
        found[entry.name] = entry.Section
    return found


def section_types() -> dict[str, type]:
    """Every section's schema, by name: the schema's own, then the registered ones."""
    return {**static_sections(), **registered_sections()}


def sections() -> dict[str, dict[str, Key]]:
    """Section name -> key name -> :class:`Key`, in the schema's order."""
    return {name: keys_of(cls) for name, cls in section_types().items()}


@cache
def source_keys() -> dict[str, Key]:
    """The keys of a ``[[sources]]`` table."""
    from bulletin.sources import SourceSpec

    return {
        name: Key(name, key.kind, SOURCE_CHECKS.get(name, ()), required=key.required)
        for name, key in keys_of(SourceSpec).items()
    }


def build(values: Mapping[str, Mapping[str, Any]]) -> Settings:
    """The typed settings from checked values (every key of every section present)."""
    static = {name: cls(**values[name]) for name, cls in static_sections().items()}
    registered = {name: cls(**values[name]) for name, cls in registered_sections().items()}
    return Settings(**static, registered=registered)
