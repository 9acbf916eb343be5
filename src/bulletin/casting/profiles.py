"""Voice profiles: small TOML files under ``voices/`` naming an engine, its
settings, the lexicons to apply and the speaking pace; and, for every installed
Piper voice, a profile ``piper-<NAME>`` made from the voice itself."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError
from bulletin.core.model import SegmentKind

PROFILE_SUFFIX = ".toml"
REQUIRED_KEYS = ("name", "engine", "language", "chars_per_second")
OPTIONAL_KEYS = ("description", "lexicons", "options")
LEXICON_PREFIX = "lexicon-"
# Installed Piper voices get the shared lexicon and this pace (a measured Piper
# voice reads Dutch news at about this rate); a profile file of the same name
# overrides both.
PIPER_LEXICONS = ("lexicon-nl.toml",)
PIPER_CHARS_PER_SECOND = 14.0


@dataclass(frozen=True)
class VoiceProfile:
    """One voice: which engine speaks, how, and with which lexicons."""

    name: str
    engine: str
    language: str
    chars_per_second: float
    lexicons: tuple[Path, ...]
    options: Mapping[str, Any]
    description: str
    path: Path


def _profile_paths(dirs: Sequence[Path]) -> dict[str, Path]:
    """Profile name -> file; earlier directories win, so a user's copy overrides ours."""
    found: dict[str, Path] = {}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob(f"*{PROFILE_SUFFIX}")):
            if not path.name.startswith(LEXICON_PREFIX):
                found.setdefault(path.stem, path)
    return found


def _find_lexicon(name: str, beside: Path, dirs: Sequence[Path]) -> Path:
    for directory in (beside, *dirs):
        candidate = directory / name
        if candidate.is_file():
            return candidate
    raise ConfigError(f"{beside}: lexicon {name!r} not found beside the profile or in {', '.join(map(str, dirs))}.")


def load_profile(path: Path, dirs: Sequence[Path]) -> VoiceProfile:
    """Read and check one profile file."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise ConfigError(f"{path}: missing key(s) {', '.join(missing)}.")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}.")
    cps = raw["chars_per_second"]
    if not isinstance(cps, int | float) or cps <= 0:
        raise ConfigError(f"{path}: chars_per_second must be a positive number, got {cps!r}.")
    options = raw.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{path}: [options] must be a table.")
    lexicons = raw.get("lexicons", [])
    return VoiceProfile(
        name=str(raw["name"]),
        engine=str(raw["engine"]),
        language=str(raw["language"]),
        chars_per_second=float(cps),
        lexicons=tuple(_find_lexicon(str(n), path.parent, dirs) for n in lexicons),
        options=options,
        description=str(raw.get("description", "")),
        path=path,
    )


def _installed_piper(dirs: Sequence[Path]) -> dict[str, VoiceProfile]:
    """A profile per installed Piper voice, by profile name."""
    from bulletin.tts.piper_store import installed

    return {
        voice.profile: VoiceProfile(
            name=voice.profile, engine="piper", language=voice.language, chars_per_second=PIPER_CHARS_PER_SECOND,
            lexicons=tuple(_find_lexicon(n, voice.model.parent, dirs) for n in PIPER_LEXICONS),
            options={"model": str(voice.model)}, description=f"Piper voice {voice.name} (installed)",
            path=voice.model,
        )
        for voice in installed()
    }


def load_voice(name: str, dirs: Sequence[Path]) -> VoiceProfile:
    """The profile called ``name`` from the first directory that has it, else an installed Piper voice."""
    paths = _profile_paths(dirs)
    if name in paths:
        return load_profile(paths[name], dirs)
    piper = _installed_piper(dirs) if name.startswith("piper-") else {}
    if name not in piper:
        known = ", ".join(sorted({*paths, *piper})) or "none"
        raise ConfigError(f"unknown voice {name!r}; available voices: {known}.")
    return piper[name]


def list_voices(dirs: Sequence[Path]) -> list[VoiceProfile]:
    """Every profile found (files first, then installed Piper voices), by name."""
    files = {name: load_profile(p, dirs) for name, p in _profile_paths(dirs).items()}
    return [v for _, v in sorted({**_installed_piper(dirs), **files}.items())]


def profile_for_engine(engine: str, language: str, dirs: Sequence[Path]) -> VoiceProfile:
    """The voice for ``engine`` in ``language``: ``<engine>-<language>`` if it exists, else the first
    ``<engine>-<language>-*`` (``edge-nl-colette`` before ``edge-be-arnaud``), else the first."""
    candidates = [v for v in list_voices(dirs) if v.engine == engine and v.language == language]
    if not candidates:
        hint = " Install one with `bulletin voices download nl_NL-mls-medium`." if engine == "piper" else ""
        raise ConfigError(f"no voice profile for engine {engine!r} and language {language!r} in "
                          f"{', '.join(map(str, dirs))}.{hint}")
    exact = [v for v in candidates if v.name == f"{engine}-{language}"]
    prefixed = [v for v in candidates if v.name.startswith(f"{engine}-{language}-")]
    return (exact or prefixed or candidates)[0]


@dataclass(frozen=True)
class Cast:
    """Who speaks: the anchor opens and closes, the newsreader reads the stories."""

    anchor: VoiceProfile
    newsreader: VoiceProfile

    def voice(self, kind: SegmentKind) -> VoiceProfile:
        """The voice of a segment of ``kind``."""
        return self.anchor if kind.is_anchor else self.newsreader

    @property
    def profiles(self) -> tuple[VoiceProfile, ...]:
        """The distinct voices, anchor first."""
        return (self.anchor,) if self.anchor == self.newsreader else (self.anchor, self.newsreader)
