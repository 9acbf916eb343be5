"""``bulletin voices``: every voice profile, its role in the configuration, and whether it
can speak here."""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.casting.cast import VoiceChoice
from bulletin.casting.profiles import VoiceProfile, list_voices
from bulletin.tts import ENGINES, engine_status


@dataclass(frozen=True)
class VoiceRow:
    """One voice as ``bulletin voices`` shows it."""

    profile: VoiceProfile
    roles: tuple[str, ...]  # anchor, newsreader, fallback: what the configuration uses it for
    online: bool  # its engine needs the network
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
    return [
        VoiceRow(
            profile,
            tuple(roles.get(profile.name, ())),
            ENGINES.get(profile.engine).needs.network,
            engine_status(profile.engine, profile.options, choice.sections.get(profile.engine)),
        )
        for profile in list_voices(choice.dirs)
    ]
