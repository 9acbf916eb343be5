"""The schema machinery: what a setting's value must be, checked the same way
wherever settings are written (``bulletin.toml``, a voice profile, an engine's
options).

A table's schema is a frozen dataclass whose fields are :func:`setting` s:
``concurrent: int = setting(at_least(1))``. :func:`conform` checks a table
read from a file against it, naming the file and line of a mistake and, for
an unknown key, the key that was probably meant.
"""

from __future__ import annotations

import difflib
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from functools import cache
from types import UnionType
from typing import Any, TypeVar, cast, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bulletin.core.errors import ConfigError

T = TypeVar("T")
# A check returns what is wrong with a value ("must be at least 1"), or None.
Check = Callable[[Any], "str | None"]
# Where a key (None: the table itself) is written, as "FILE:LINE", for messages.
Where = Callable[[str | None], str]

TYPE_NAMES: dict[type, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
    dict: "a table",
}
WEB_SCHEMES = ("http", "https")
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: "C:" is a drive
EXAMPLE_URL = '"https://example.org/nieuws/"'
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")  # BCP 47, as the feeds want it


class Invalid(Exception):
    """A value that breaks the schema; the message completes "[section] key ..."."""


def setting(
    *checks: Check, path: bool = False, default: Any = MISSING, default_factory: Any = MISSING, meaning: str = ""
) -> Any:
    """A key of a table: the checks its value must pass; ``path`` for file and folder names
    (taken relative to the file they are written in). Settings of ``bulletin.toml`` have
    their defaults and meanings in ``defaults.toml`` only; an engine's voice options and a
    plugin's section carry theirs here (``meaning``: a line for ``bulletin init``'s file)."""
    metadata = {"checks": checks, "path": path, "meaning": meaning}
    return field(default=default, default_factory=default_factory, metadata=metadata)


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
        if value in known:
            return None
        close = difflib.get_close_matches(value, [str(k) for k in known], n=1) if isinstance(value, str) else []
        meant = f" (did you mean {close[0]!r}?)" if close else ""
        return f"must be one of {', '.join(map(str, known))}{meant}"

    return check


def matches(pattern: str, example: str) -> Check:
    """Text that matches ``pattern`` in full (``example`` shows the form)."""
    compiled = re.compile(pattern)
    return lambda value: None if compiled.fullmatch(value) else f'must look like "{example}"'


def filled(value: str) -> str | None:
    """Not empty (nor only spaces)."""
    return None if value.strip() else "must not be empty"


def is_web_url(value: str) -> bool:
    """An http(s) URL with a host and no spaces or control characters."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return bool(host) and parts.scheme.lower() in WEB_SCHEMES and not any(c.isspace() or ord(c) < 32 for c in value)


def web_url(value: str) -> str | None:
    """Empty, or an http(s) URL with a host: it ends up in feeds and enclosure links."""
    if not value or is_web_url(value):
        return None
    return f"must be empty or an http(s) URL with a host, such as {EXAMPLE_URL}"


def folder_url(value: str) -> str | None:
    """A web URL that file names are joined onto: no query or fragment to get in the way."""
    problem = web_url(value)
    if problem or not value or not (urlsplit(value).query or urlsplit(value).fragment):
        return problem
    return "must be the URL of a folder, without ? or #"


def uuid_text(value: str) -> str | None:
    """Empty, or a UUID in its plain form (a podcast's guid), not the nil one."""
    if not value:
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.int == 0 or str(parsed) != value.lower():
        return 'must be empty or a UUID written plainly, such as "ead4c236-bf58-58c6-a2c6-a6b28d128cb6"'
    return None


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


def location(value: str) -> str | None:
    """A file path, or an http(s) URL with a host (anything with a scheme must be one)."""
    if value.strip() and (not URL_SCHEME.match(value) or is_web_url(value)):
        return None
    return f"must be a file path or an http(s) URL with a host, such as {EXAMPLE_URL}"


def regex(value: str) -> str | None:
    """A regular expression that compiles (as the boilerplate stage uses it: case ignored)."""
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        return f"pattern {value!r} is not a valid regular expression ({exc.msg} at position {exc.pos})"
    return None


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of a schema."""

    name: str
    kind: Any  # a type, or list[X] / tuple[X, ...] / str | list[str]
    checks: tuple[Check, ...] = ()
    path: bool = False
    required: bool = True  # no default of its own (bulletin.toml's come from defaults.toml)
    meaning: str = ""  # what a plugin's key is for (bulletin's own say it in defaults.toml)

    def conform(self, value: Any) -> Any:
        """``value`` as this key's type (a whole number is a number too), or :class:`Invalid`.
        A ``list[X]`` or ``tuple[X, ...]`` key takes a TOML array; each check sees each item."""
        collection = get_origin(self.kind)
        if collection is UnionType:  # one text or a list of texts: `str | list[str]`
            return self.conform_one_or_many(value)
        if collection is dict:  # a table, whose keys another schema checks
            if not isinstance(value, dict):
                raise Invalid(f"must be {TYPE_NAMES[dict]}")
            return dict(value)
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


def _key(item: Field[Any], kind: Any) -> Key:
    required = item.default is MISSING and item.default_factory is MISSING
    metadata = item.metadata
    return Key(
        item.name, kind, metadata.get("checks", ()), metadata.get("path", False), required, metadata.get("meaning", "")
    )


@cache
def keys_of(schema: type) -> dict[str, Key]:
    """Key name -> :class:`Key` for a schema dataclass, in its order."""
    hints = get_type_hints(schema)
    return {item.name: _key(item, hints[item.name]) for item in fields(schema) if item.init}


def defaults_of(schema: type) -> dict[str, Any]:
    """The defaults a schema carries itself (an engine's options, a plugin's section)."""
    return {f.name: f.default for f in fields(schema) if f.default is not MISSING}


def unknown(where: str, what: str, name: str, known: Iterable[str]) -> ConfigError:
    """The error for a name nobody knows: the closest known one, else all of them."""
    names = list(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(names) or 'none'}."
    return ConfigError(f"{where}: {what}; {hint}")


def check_value(key: Key, value: Any, where: str, label: str) -> Any:
    """``value`` conformed to ``key``, or a ConfigError naming ``where`` and ``label``."""
    try:
        return key.conform(value)
    except Invalid as problem:
        raise ConfigError(f"{where}: {label} {problem}, got {value!r}.") from None


def conform(
    schema: type[T], table: Mapping[str, Any], where: Where, label: str, defaults: Mapping[str, Any] | None = None
) -> T:
    """``table`` as an instance of ``schema``: every key known and valid, every required one there
    (from ``table`` or ``defaults``). ``label`` names the table in messages (``[options]``)."""
    keys = keys_of(cast(type, schema))
    values = dict(defaults or {})
    for name, value in table.items():
        if name not in keys:
            raise unknown(where(name), f"unknown key {name!r} in {label}", name, keys)
        values[name] = check_value(keys[name], value, where(name), f"{label} {name}")
    missing = [name for name, key in keys.items() if key.required and name not in values]
    if missing:
        raise ConfigError(f"{where(None)}: {label} needs {', '.join(missing)}.")
    return schema(**values)
