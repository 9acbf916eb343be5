"""Voice profiles: small TOML files under ``voices/`` naming an engine, its
options, the lexicons to apply and the speaking pace, checked by the same
schema machinery as ``bulletin.toml`` (file, line, "did you mean"); and, for
every installed Piper voice, a profile ``piper-<NAME>`` made from the voice itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError
from bulletin.core.model import SegmentKind
from bulletin.core.schema import above, at_most, conform, filled, language, one_of, setting
from bulletin.core.tomlfile import line_of, read_toml, where

PROFILE_SUFFIX = ".toml"
LEXICON_PREFIX = "lexicon-"
OPTIONS = "options"
MAX_CHARS_PER_SECOND = 100.0
# Installed Piper voices get the shared lexicon and this pace (a measured Piper
# voice reads Dutch news at about this rate); a profile file of the same name
# overrides both.
PIPER_LEXICONS = ("lexicon-nl.toml",)
PIPER_CHARS_PER_SECOND = 14.0


def _engines() -> Iterable[str]:
    from bulletin.tts import ENGINES

    return ENGINES.names()


@dataclass(frozen=True)
class ProfileFile:
    """What a voice profile file holds."""

    name: str = setting(filled)
    engine: str = setting(one_of(_engines))
    language: str = setting(language)
    # Characters (letters and digits) spoken per second, for --max-duration estimates.
    chars_per_second: float = setting(above(0), at_most(MAX_CHARS_PER_SECOND))
    description: str = setting(default="")
    lexicons: tuple[str, ...] = setting(default=())  # applied in order, later ones over earlier ones
    options: dict[str, Any] = setting(default_factory=dict)  # the engine's (its ``Options``)


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
    text, raw = read_toml(path, "voice profile")

    def located(key: str | None) -> str:
        return where(path, line_of(text, None, key) if key else 1)

    found = conform(ProfileFile, raw, located, "the voice profile")
    if found.name != path.stem:  # a profile is found, and named in --voice, by its file's name
        raise ConfigError(
            f"{located('name')}: the voice profile's name {found.name!r} is not its file's; "
            f"name it {path.stem!r}, or the file {found.name}{PROFILE_SUFFIX}."
        )
    return VoiceProfile(
        name=found.name,
        engine=found.engine,
        language=found.language,
        chars_per_second=found.chars_per_second,
        lexicons=tuple(_find_lexicon(n, path.parent, dirs) for n in found.lexicons),
        options=found.options,
        description=found.description,
        path=path,
    )


def option_location(profile: VoiceProfile, key: str | None) -> str:
    """``FILE:LINE`` of an option (or of the ``[options]`` table) in ``profile``'s file."""
    if profile.path.suffix != PROFILE_SUFFIX:
        return f"voice {profile.name}"  # an installed Piper voice: no file of options
    try:
        text = profile.path.read_text("utf-8")
    except OSError:
        return str(profile.path)
    return where(profile.path, line_of(text, OPTIONS, key))


def _installed_piper(dirs: Sequence[Path]) -> dict[str, VoiceProfile]:
    """A profile per installed Piper voice, by profile name."""
    from bulletin.tts.piper_store import installed

    return {
        voice.profile: VoiceProfile(
            name=voice.profile,
            engine="piper",
            language=voice.language,
            chars_per_second=PIPER_CHARS_PER_SECOND,
            lexicons=tuple(_find_lexicon(n, voice.model.parent, dirs) for n in PIPER_LEXICONS),
            options={"model": str(voice.model)},
            description=f"Piper voice {voice.name} (installed)",
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
    """Every profile found (files first, then installed Piper voices), by name; the first one that
    cannot be used is a ConfigError."""
    profiles = []
    for _name, found in scan_voices(dirs):
        if isinstance(found, ConfigError):
            raise found
        profiles.append(found)
    return profiles


def scan_voices(dirs: Sequence[Path]) -> list[tuple[str, VoiceProfile | ConfigError]]:
    """Every profile found, by name; one that cannot be used comes with its error (naming file and
    line) instead, so that one mistake does not hide the other voices."""
    found: dict[str, VoiceProfile | ConfigError] = dict(_installed_piper(dirs))
    for name, path in _profile_paths(dirs).items():
        try:
            found[name] = load_profile(path, dirs)
        except ConfigError as exc:
            found[name] = exc
    return sorted(found.items())


def check_options(profile: VoiceProfile) -> None:
    """The profile's ``[options]`` checked against its engine's schema (file, line, "did you mean"),
    without making the engine."""
    from bulletin.tts import ENGINES

    conform(ENGINES.get(profile.engine).Options, profile.options, partial(option_location, profile), "[options]")


def profile_for_engine(engine: str, language: str, dirs: Sequence[Path]) -> VoiceProfile:
    """The voice for ``engine`` in ``language``: ``<engine>-<language>`` if it exists, else the first
    ``<engine>-<language>-*`` (``edge-nl-colette`` before ``edge-be-arnaud``), else the first."""
    candidates = [v for v in list_voices(dirs) if v.engine == engine and v.language == language]
    if not candidates:
        from bulletin.tts import ENGINES

        hint = ENGINES.get(engine).no_voice_hint
        raise ConfigError(
            f"no voice profile for engine {engine!r} and language {language!r} in "
            f"{', '.join(map(str, dirs))}.{' ' + hint if hint else ''}"
        )
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
