"""TOML files people write (``bulletin.toml``, voice profiles, lexicons): read with
errors that name the file and line, and the line a key is written on, for messages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError

HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]")
ARRAY_TABLE = "[["  # inside an array of tables ([[sources]]): no section's keys
SYNTAX_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def read_toml(path: Path, what: str = "file") -> tuple[str, dict[str, Any]]:
    """The text of the TOML file ``path`` and what it holds; a ConfigError naming the file
    (and the line of a syntax error) when it cannot be read."""
    try:
        text = path.read_text("utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} not found.") from None
    except IsADirectoryError:
        raise ConfigError(f"{what} {path} is a folder, not a file.") from None
    except PermissionError:
        raise ConfigError(f"{what} {path} cannot be read (permission denied).") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = SYNTAX_AT.search(message)
        if at:
            raise ConfigError(f"{path}:{at.group(1)}: {message[: at.start()]} (TOML syntax).") from None
        raise ConfigError(f"{path}: {message} (TOML syntax).") from None


def _key_line(line: str, *names: str) -> bool:
    """True if ``line`` assigns the (dotted) key ``names``, bare or quoted."""
    parts = r"\s*\.\s*".join(rf"(?:{re.escape(n)}|\"{re.escape(n)}\"|'{re.escape(n)}')" for n in names)
    return re.match(rf"\s*{parts}\s*[=.]", line) is not None


def line_of(text: str, section: str | None, key: str | None = None) -> int | None:
    """The line of ``key`` in ``[section]`` (else of the section itself); with ``section``
    None, of a key before the first table."""
    current: str | None = None
    section_line = None
    for number, line in enumerate(text.splitlines(), 1):
        header = HEADER.match(line)
        if line.lstrip().startswith(ARRAY_TABLE):
            current = ARRAY_TABLE
        elif header:
            current = header.group(1)
            section_line = number if section is not None and current == section else section_line
        elif section is None:
            if current is None and key is not None and _key_line(line, key):
                return number
        elif current == section and key is not None and _key_line(line, key):
            return number
        elif current is None and _key_line(line, section):  # a dotted key or an inline table
            if key is not None and _key_line(line, section, key):
                return number
            section_line = section_line or number
    return section_line


def line_of_array_table(text: str, array: str, index: int, key: str | None = None) -> int | None:
    """The line of the ``index``-th ``[[array]]`` table (or of ``key`` in it)."""
    count, inside, table_line = -1, False, None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = (
                re.fullmatch(rf"\[\[\s*{re.escape(array)}\s*\]\]", stripped) is not None
                and (count := count + 1) == index
            )
            table_line = number if inside else table_line
            if inside and key is None:
                return number
        elif inside and key and _key_line(stripped, key):
            return number
    return table_line


def where(path: Path, line: int | None) -> str:
    """``FILE:LINE`` (``FILE:?`` when the line is not known)."""
    return f"{path}:{line or '?'}"


def key_location(path: Path, section: str | None, key: str) -> str | None:
    """``FILE:LINE`` where ``key`` of ``[section]`` is set in the TOML file ``path`` (or the
    section, when the key is not there), for messages; ``None`` when neither is found."""
    try:
        line = line_of(path.read_text("utf-8"), section, key)
    except (OSError, UnicodeDecodeError):
        return None
    return where(path, line) if line else None
