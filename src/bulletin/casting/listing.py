"""``bulletin voices``: every voice profile, its role in the configuration, and whether it
can speak here; a profile that cannot be used is listed with its mistake, not left out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bulletin.casting.cast import VoiceChoice
from bulletin.casting.profiles import option_location, scan_voices
from bulletin.core.errors import ConfigError
from bulletin.tts import ENGINES, engine_status


@dataclass(frozen=True)
class VoiceRow:
    """One voice as ``bulletin voices`` shows it."""

    name: str
    description: str
    engine: str
    language: str
    roles: tuple[str, ...]  # anchor, newsreader, fallback: what the configuration uses it for
    online: bool | None  # its engine needs the network (None: not known, the profile is broken)
    status: str  # "ready", or what stands in the way


def voice_rows(choice: VoiceChoice) -> list[VoiceRow]:
    """Every voice profile found, by name, with its roles and whether it can run here."""
    roles: dict[str, list[str]] = {}
    for role, names in (
        ("anchor", [choice.anchor]),
        ("newsreader", [choice.newsreader]),
        ("fallback", list(choice.fallback)),
    ):
        for name in names:
            roles.setdefault(name, []).append(role)
    rows = []
    for name, found in scan_voices(choice.dirs):
        if isinstance(found, ConfigError):
            rows.append(VoiceRow(name, "", "?", "?", tuple(roles.get(name, ())), None, f"misconfigured: {found}"))
            continue
        rows.append(
            VoiceRow(
                found.name,
                found.description,
                found.engine,
                found.language,
                tuple(roles.get(found.name, ())),
                ENGINES.get(found.engine).needs.network,
                engine_status(
                    found.engine, found.options, choice.sections.get(found.engine), partial(option_location, found)
                ),
            )
        )
    return rows
