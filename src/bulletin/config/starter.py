"""``bulletin init``'s starter file, made from the schema and the defaults: every key with
its default value and its meaning; the first few to fill in are live."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.config import schema
from bulletin.config.loader import defaults, defaults_text
from bulletin.core.errors import InputError
from bulletin.core.tomlfile import HEADER
from bulletin.storage.atomic import write_text

# Keys a new user fills in first; the rest of the starter file is commented out.
STARTER_KEYS = {
    ("show", "title"),
    ("show", "description"),
    ("show", "author"),
    ("show", "owner_email"),
    ("publish", "base_url"),
}
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
        return line[:at].rstrip(), line[at + 1 :].strip()
    return line.rstrip(), ""


def defaults_notes() -> dict[str, _Notes]:
    """Each section's comments in defaults.toml: the meaning of every key lives there."""
    notes: dict[str, _Notes] = {}
    section: str | None = None
    pending: list[str] = []
    for line in defaults_text().splitlines():
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
    values, notes = defaults(), defaults_notes()
    lines = list(STARTER_HEADER)
    for section, keys in schema.sections().items():
        lines += ["", f"[{section}]"]
        said = notes.get(section, _Notes({}, {}, []))  # a plugin's section has no comments here
        for key in keys:
            entry = f"{key} = {_toml_value(values[section][key])}"
            if (section, key) not in STARTER_KEYS:
                entry = f"# {entry}"
            meaning = said.meaning.get(key) or keys[key].meaning
            lines += said.before.get(key, [])
            lines.append(f"{entry:<{MEANING_COLUMN - 2}}  # {meaning}" if meaning else entry)
        lines += said.after
    return "\n".join(lines) + "\n"


def write_starter(path: Path, *, force: bool = False) -> None:
    """Write :func:`starter_text` to ``path`` (atomically); an existing file only with ``force``."""
    if path.exists() and not force:
        raise InputError(f"{path} exists; use --force to overwrite it.")
    write_text(path, starter_text())
