"""The stages in order: page -> script -> speech -> audio -> tagged MP3."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulletin import __version__, config as cfg
from bulletin.audio.loudness import Loudness
from bulletin.audio.render import render_mp3
from bulletin.config import Config
from bulletin.errors import ConfigError
from bulletin.fsutil import staged
from bulletin.model import Script
from bulletin.script import Pacing, Preparer, assemble, load_lexicon
from bulletin.script.render import to_json, to_text
from bulletin.sources import load_page
from bulletin.tags import TagInfo, write_tags
from bulletin.tts import create_engine, engine_class
from bulletin.voices import VoiceProfile, list_voices, load_voice

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
MS_PER_S = 1000


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it measured."""

    mp3: Path
    script_text: Path
    script_json: Path
    script: Script
    loudness: Loudness
    engine: str
    voice: str
    seconds_taken: float


def resolve_at(at: datetime | None, config: Config) -> datetime:
    """The bulletin's moment in the show's time zone; naive times are taken as local."""
    zone = cfg.timezone(config)
    if at is None:
        return datetime.now(zone).replace(second=0, microsecond=0)
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def choose_voice(config: Config) -> VoiceProfile:
    """The configured voice profile; with an engine chosen, that engine's first profile."""
    dirs = cfg.voice_dirs(config)
    profile = load_voice(config.get("voice", "profile"), dirs)
    engine = config.get("voice", "engine")
    if not engine or engine == profile.engine:
        return profile
    engine_class(engine)  # an unknown name fails here, listing the valid ones
    for candidate in list_voices(dirs):
        if candidate.engine == engine and candidate.language == profile.language:
            return candidate
    raise ConfigError(f"no voice profile for engine {engine!r} in {', '.join(map(str, dirs))}.")


def _pacing(profile: VoiceProfile, config: Config) -> Pacing:
    return Pacing(
        chars_per_second=profile.chars_per_second,
        gap_seconds=config.get("audio", "gap_ms") / MS_PER_S,
    )


def make_script(
    page: Path, config: Config, *, at: datetime | None = None, max_seconds: float | None = None
) -> Script:
    """Parse ``page`` and assemble its radio script, without any audio."""
    profile = choose_voice(config)
    return _script(page, config, profile, resolve_at(at, config), max_seconds)


def _script(page: Path, config: Config, profile: VoiceProfile, at: datetime, max_seconds: float | None) -> Script:
    parsed = load_page(page, at)
    prepare = Preparer(load_lexicon(profile.lexicons))
    return assemble(
        parsed, at, cfg.script_settings(config), prepare,
        pacing=_pacing(profile, config), max_seconds=max_seconds,
    )


def slug(text: str) -> str:
    """ASCII file-name form: "Nieuwsbulletin Buitenland" -> "nieuwsbulletin-buitenland"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "bulletin"


def output_stem(out_dir: Path, script: Script, show: str) -> Path:
    """``DIR/YYYY-MM-DD/<slug>-HHMM`` (without suffix)."""
    name = slug(f"{show} {script.section or ''}")
    return out_dir / f"{script.at:%Y-%m-%d}" / f"{name}-{script.at:%H%M}"


def build(
    page: Path,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one bulletin MP3 (plus its script as .txt and .json) from a saved page."""
    started = time.perf_counter()
    profile = choose_voice(config)
    script = _script(page, config, profile, resolve_at(at, config), max_seconds)
    engine = create_engine(profile.engine, profile.options)
    audio = cfg.audio_settings(config)

    speeches = []
    total = len(script.segments) + 1  # every segment, then mastering and encoding
    for done, segment in enumerate(script.segments, 1):
        speeches.append(engine.synthesize(segment.text))
        if progress:
            progress(done, total, segment.title)
    log.info("synthesised %d segments with %s in %.2f s", total, engine.name, time.perf_counter() - started)

    stem = output_stem(Path(config.get("output", "dir")), script, config.get("show", "title"))
    mp3, text, data = (stem.with_suffix(s) for s in (".mp3", ".txt", ".json"))
    engine_label = f"{engine.name} {engine.version}"
    with staged([mp3, text, data]) as (mp3_tmp, text_tmp, data_tmp):
        rendered = render_mp3(speeches, [s.kind for s in script.segments], audio, mp3_tmp)
        if progress:
            progress(total, total, "mastered")
        write_tags(mp3_tmp, TagInfo(
            title=script.title,
            artist=config.get("show", "author"),
            album=config.get("show", "title"),
            recorded=script.at,
            genre=config.get("show", "genre"),
            encoded_by=f"bulletin {__version__} ({engine_label}, voice {profile.name})",
        ))
        text_tmp.write_text(to_text(script), encoding="utf-8")
        data_tmp.write_text(to_json(script), encoding="utf-8")
    return BuildResult(
        mp3=mp3, script_text=text, script_json=data, script=script,
        loudness=rendered.loudness, engine=engine_label, voice=profile.name,
        seconds_taken=time.perf_counter() - started,
    )
