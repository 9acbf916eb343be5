"""The pronunciation lexicon: editable data files under ``voices/``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError

SPELL_TABLE = "spell"
SPELL_KEY = "acronyms"


@dataclass(frozen=True)
class Lexicon:
    """Word lists for text preparation; see ``voices/lexicon-nl.toml`` for their meaning."""

    abbreviations: Mapping[str, str] = field(default_factory=dict)
    sentence_final_abbreviations: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    singular: Mapping[str, str] = field(default_factory=dict)
    currencies: Mapping[str, str] = field(default_factory=dict)
    currency_fractions: Mapping[str, str] = field(default_factory=dict)
    symbols: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)
    letters: Mapping[str, str] = field(default_factory=dict)
    spell: frozenset[str] = frozenset()


TABLES = tuple(f.name for f in fields(Lexicon) if f.name != SPELL_TABLE)


def load_lexicon(paths: Sequence[Path]) -> Lexicon:
    """Merge lexicon files in order; later entries override earlier ones."""
    tables: dict[str, dict[str, str]] = {name: {} for name in TABLES}
    spell: set[str] = set()
    for path in paths:
        raw = _read_toml(path)
        for table, entries in raw.items():
            if table == SPELL_TABLE:
                spell.update(_spell_list(path, entries))
            elif table in tables:
                tables[table].update(_string_table(path, table, entries))
            else:
                known = ", ".join((*TABLES, SPELL_TABLE))
                raise ConfigError(f"{path}: unknown table [{table}]; known tables: {known}.")
    return Lexicon(**tables, spell=frozenset(spell))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"lexicon {path} not found; check the voice profile's lexicons.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _string_table(path: Path, table: str, entries: Any) -> dict[str, str]:
    if not isinstance(entries, dict):
        raise ConfigError(f'{path}: [{table}] must be a table of "written" = "spoken" pairs.')
    for key, value in entries.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: [{table}] {key!r} must be text in quotes, got {value!r}.")
    return dict(entries)


def _spell_list(path: Path, entries: Any) -> set[str]:
    words = entries.get(SPELL_KEY) if isinstance(entries, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError(f'{path}: [{SPELL_TABLE}] needs {SPELL_KEY} = ["EU", ...], a list of text.')
    return set(words)
