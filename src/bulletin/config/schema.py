"""The configuration schema: every section's keys, their types and the values they may take.

Default values (and each key's one-line meaning) live only in ``defaults.toml``;
this module says what a value must be. A new setting is one line there and one
line here: ``name: type = setting(check, ...)``. ``config.load_config`` checks
every value against this schema and hands out the sections as these typed,
frozen objects (``config.settings.gtts.concurrent``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, dataclass, field, fields
from types import UnionType
from functools import cache
from string import Formatter
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A check returns what is wrong with a value ("must be at least 1"), or None.
Check = Callable[[Any], "str | None"]

TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "text in quotes"}
WEB_SCHEMES = ("http", "https")
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: "C:" is a drive
EXAMPLE_URL = '"https://example.org/nieuws/"'
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")  # BCP 47, as the feeds want it
# Sane maxima: far beyond any sensible value, low enough to catch a slip of the finger.
MAX_SECONDS = 3600.0  # any timeout or wait
MAX_TRIES = 100
MAX_CONCURRENT = 64  # requests in flight to one host
MAX_REQUESTS_PER_SECOND = 1000.0
MAX_RETENTION = 100_000  # bulletins in a feed
MAX_GAP_MS = 10_000
MAX_SOURCE_MB = 1000.0
MAX_CACHE_DAYS = 100 * 365
MIN_SEGMENTS = 3  # the intro, the lead and the outro
MAX_SEGMENTS = 65_025  # the chapters one top-level table of tables can list (255 x 255)
SOUNDER_LEVEL_LU = (-40.0, 10.0)  # against the speech


class Invalid(Exception):
    """A value that breaks the schema; the message completes "[section] key ..."."""


def setting(*checks: Check, path: bool = False) -> Any:
    """A key of a section: the checks its value must pass; ``path`` for file and folder names,
    which are taken relative to the configuration file's folder."""
    return field(metadata={"checks": checks, "path": path})


# --- checks ------------------------------------------------------------------------------------


def at_least(low: float) -> Check:
    """``value >= low``."""
    return lambda value: None if value >= low else f"must be at least {low}"


def above(low: float) -> Check:
    """``value > low``."""
    return lambda value: None if value > low else f"must be more than {low}"


def at_most(high: float) -> Check:
    """``value <= high``."""
    return lambda value: None if value <= high else f"must be at most {high}"


def one_of(choices: Callable[[], Iterable[Any]]) -> Check:
    """One of ``choices()``: a function, so registries are read when a value is checked."""

    def check(value: Any) -> str | None:
        known = list(choices())
        return None if value in known else f"must be one of {', '.join(map(str, known))}"

    return check


def filled(value: str) -> str | None:
    """Not empty (nor only spaces)."""
    return None if value.strip() else "must not be empty"


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return bool(host) and parts.scheme.lower() in WEB_SCHEMES and not any(c.isspace() or ord(c) < 32 for c in value)


def web_url(value: str) -> str | None:
    """Empty, or an http(s) URL with a host: it ends up in feeds and enclosure links."""
    if not value or _is_web_url(value):
        return None
    return f"must be empty or an http(s) URL with a host, such as {EXAMPLE_URL}"


def folder_url(value: str) -> str | None:
    """A web URL that file names are joined onto: no query or fragment to get in the way."""
    problem = web_url(value)
    if problem or not value or not (urlsplit(value).query or urlsplit(value).fragment):
        return problem
    return "must be the URL of a folder, without ? or #"


def email(value: str) -> str | None:
    """Empty, or shaped like an e-mail address."""
    if not value or EMAIL.fullmatch(value):
        return None
    return 'must be empty or an e-mail address such as "redactie@example.org"'


def language(value: str) -> str | None:
    """A language tag such as ``nl`` or ``nl-BE``."""
    return None if LANGUAGE_TAG.fullmatch(value) else 'must be a language code such as "nl" or "nl-BE"'


def time_zone(value: str) -> str | None:
    """A name from the time zone database."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        return 'must be a time zone name such as "Europe/Amsterdam"'
    return None


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


def location(value: str) -> str | None:
    """A file path, or an http(s) URL with a host (anything with a scheme must be one)."""
    if value.strip() and (not URL_SCHEME.match(value) or _is_web_url(value)):
        return None
    return f"must be a file path or an http(s) URL with a host, such as {EXAMPLE_URL}"


def s3_target(value: str) -> str | None:
    """Empty, or ``s3://BUCKET/PREFIX/`` with a valid bucket name."""
    from bulletin.core.errors import ConfigError
    from bulletin.publish.s3 import parse_target

    try:
        if value:
            parse_target(value)
    except ConfigError:
        return ('must be empty or s3://BUCKET/PREFIX/ with a bucket name of 3-63 lowercase letters, '
                'digits, dots and hyphens')
    return None


def regex(value: str) -> str | None:
    """A regular expression that compiles (as the boilerplate stage uses it: case ignored)."""
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        return f"pattern {value!r} is not a valid regular expression ({exc.msg} at position {exc.pos})"
    return None


def _profiles() -> Iterable[str]:
    from bulletin.audio.profiles import PROFILES

    return PROFILES


def _sample_rates() -> Iterable[int]:
    from bulletin.formats.mp3 import MPEG1_RATES

    return sorted(MPEG1_RATES)


def _formats() -> Iterable[str]:
    from bulletin.formats import FORMATS

    return FORMATS


def _wav_rates() -> Iterable[int]:
    from bulletin.formats.wav import PCM_RATES

    return PCM_RATES


def _bit_depths() -> Iterable[int]:
    from bulletin.formats.wav import BIT_DEPTHS

    return BIT_DEPTHS


def _engines() -> Iterable[str]:
    from bulletin.casting.cast import AUTO
    from bulletin.tts import engine_names

    return [AUTO, *engine_names()]


def _source_kinds() -> Iterable[str]:
    from bulletin.sources import KINDS

    return KINDS


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


@dataclass(frozen=True)
class ScriptSection:
    """``[script]``: the anchor's words."""

    intro: str = setting(template)
    outro: str = setting(template)
    max_segments: int = setting(at_least(MIN_SEGMENTS), at_most(MAX_SEGMENTS))


@dataclass(frozen=True)
class VoiceSection:
    """``[voice]``: who speaks."""

    anchor: str = setting(filled)
    newsreader: str = setting(filled)
    engine: str = setting(one_of(_engines))
    fallback: str | list[str] = setting(filled)  # one voice, or a list tried in order
    voices_dir: str = setting(path=True)


@dataclass(frozen=True)
class GttsSection:
    """``[gtts]``: Google's speech service, and how hard we may ask it."""

    timeout: float = setting(above(0), at_most(MAX_SECONDS))
    tries: int = setting(at_least(1), at_most(MAX_TRIES))
    backoff: float = setting(at_least(0), at_most(MAX_SECONDS))
    max_wait: float = setting(at_least(0), at_most(MAX_SECONDS))
    requests_per_second: float = setting(above(0), at_most(MAX_REQUESTS_PER_SECOND))
    concurrent: int = setting(at_least(1), at_most(MAX_CONCURRENT))
    burst: int = setting(at_least(1), at_most(MAX_CONCURRENT))


@dataclass(frozen=True)
class EdgeSection(GttsSection):
    """``[edge]``: Microsoft's neural voices, with the same network discipline as ``[gtts]``."""


@dataclass(frozen=True)
class PiperSection:
    """``[piper]``: Piper's offline neural voices."""

    catalogue: str = setting(folder_url)
    workers: int = setting(at_least(0), at_most(MAX_CONCURRENT))


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
class DailySection:
    """``[daily]``: the unattended run."""

    log_file: str = setting(path=True)
    keep_cache_days: int = setting(at_least(0), at_most(MAX_CACHE_DAYS))


@dataclass(frozen=True)
class CacheSection:
    """``[cache]``: synthesised segments, parts and fetched sources."""

    enabled: bool = setting()
    dir: str = setting(path=True)


@dataclass(frozen=True)
class AudioSection:
    """``[audio]``: loudness profile, rate and gaps."""

    profile: str = setting(one_of(_profiles))
    format: str = setting(one_of(_formats))
    sample_rate: int = setting(one_of(_sample_rates))
    wav_sample_rate: int = setting(one_of(_wav_rates))
    bit_depth: int = setting(one_of(_bit_depths))
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
class Settings:
    """Every section, typed; a new section is a class above and one line here."""

    show: ShowSection
    publish: PublishSection
    script: ScriptSection
    voice: VoiceSection
    gtts: GttsSection
    edge: EdgeSection
    piper: PiperSection
    fetch: FetchSection
    input: InputSection
    boilerplate: BoilerplateSection
    daily: DailySection
    cache: CacheSection
    audio: AudioSection
    sounders: SoundersSection
    output: OutputSection


# ``[[sources]]`` tables: their keys and types are ``SourceSpec``'s fields (those without a
# default are required); these are the checks on top.
SOURCE_CHECKS: dict[str, tuple[Check, ...]] = {
    "name": (filled,),
    "location": (location,),
    "kind": (one_of(_source_kinds),),
    "max_items": (at_least(0),),
    "drop": (regex,),
}


# --- reading the schema ------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of the schema."""

    name: str
    kind: type
    checks: tuple[Check, ...] = ()
    path: bool = False
    required: bool = False

    def conform(self, value: Any) -> Any:
        """``value`` as this key's type (a whole number is a number too), or :class:`Invalid`.
        A ``list[X]`` or ``tuple[X, ...]`` key takes a TOML array; each check sees each item."""
        collection = get_origin(self.kind)
        if collection is UnionType:  # one text or a list of texts: `str | list[str]`
            return self.conform_one_or_many(value)
        if collection not in (list, tuple):
            return self._item(self.kind, value)
        item = get_args(self.kind)[0]
        if not isinstance(value, list):
            raise Invalid(f"must be a list of {TYPE_NAMES.get(item, item.__name__)} in [brackets]")
        return collection(self._item(item, one) for one in value)

    def conform_one_or_many(self, value: Any) -> Any:
        """A ``str | list[str]`` key: one text, or a non-empty list of texts."""
        if isinstance(value, list):
            if not value:
                raise Invalid("must be a text or a list of texts, not an empty list")
            return [self._item(str, one) for one in value]
        return self._item(str, value)

    def _item(self, kind: type, value: Any) -> Any:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise Invalid(f"must be {TYPE_NAMES.get(kind, kind.__name__)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid("must be a finite number")
        for check in self.checks:
            problem = check(value)
            if problem:
                raise Invalid(problem)
        return value


def _key(item: Field[Any], kind: type) -> Key:
    return Key(item.name, kind, item.metadata.get("checks", ()), item.metadata.get("path", False))


@cache
def sections() -> dict[str, dict[str, Key]]:
    """Section name -> key name -> :class:`Key`, in the schema's order."""
    out = {}
    for part in fields(Settings):
        cls = get_type_hints(Settings)[part.name]
        hints = get_type_hints(cls)
        out[part.name] = {item.name: _key(item, hints[item.name]) for item in fields(cls)}
    return out


@cache
def source_keys() -> dict[str, Key]:
    """The keys of a ``[[sources]]`` table."""
    from bulletin.sources import SourceSpec

    hints = get_type_hints(SourceSpec)
    return {item.name: Key(item.name, hints[item.name], SOURCE_CHECKS.get(item.name, ()),
                           required=item.default is MISSING and item.default_factory is MISSING)
            for item in fields(SourceSpec)}


def build(values: dict[str, dict[str, Any]]) -> Settings:
    """The typed settings from checked values (every key of every section present)."""
    hints = get_type_hints(Settings)
    return Settings(**{name: hints[name](**values[name]) for name in sections()})
