"""The stages in order: page -> script -> speech -> audio -> tagged MP3."""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulletin import __version__, config as cfg
from bulletin.audio import Profile
from bulletin.audio.profiles import ALEXA, get_profile
from bulletin.audio.qa import QAReport
from bulletin.audio.render import Prepared, Rendered, finish, prepare
from bulletin.audio.timeline import chapters, cues
from bulletin.config import Config
from bulletin.cover import load_cover, make_cover
from bulletin.errors import ConfigError, EngineError, QAError
from bulletin.fsutil import staged
from bulletin.model import Page, Script
from bulletin.publish import PublishResult, publish
from bulletin.publish.episode import MANIFEST_SUFFIX, Episode, episode_guid
from bulletin.publish.sidecars import chapters_json, srt, webvtt
from bulletin.script import Pacing, Preparer, Reader, Voicing, assemble, load_lexicon
from bulletin.script.clock import written_date
from bulletin.script.render import description, to_json, to_text, transcript
from bulletin.sources import SourceSpec, read_source
from bulletin.sources.fetch import Fetcher
from bulletin.tags import TagInfo, write_tags
from bulletin.tts import Engine, Speech, create_engine, engine_class, engine_names
from bulletin.tts.cache import SegmentCache
from bulletin.tts.speak import SpeechStats, speak
from bulletin.voices import Cast, VoiceProfile, load_voice, profile_for_engine

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
AUTO = "auto"
ALEXA_SUFFIX = ".alexa.mp3"


@dataclass(frozen=True)
class Casting:
    """The voices to use, and the offline voices to fall back on (``auto`` only)."""

    cast: Cast
    fallback: Cast | None = None


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it measured."""

    outputs: Outputs
    script: Script
    qa: QAReport
    engine: str
    voice: str
    speech: SpeechStats
    fell_back: bool
    seconds_taken: float

    @property
    def mp3(self) -> Path:
        """The bulletin itself."""
        return self.outputs.mp3


def resolve_at(at: datetime | None, config: Config) -> datetime:
    """The bulletin's moment in the show's time zone; naive times are taken as local."""
    zone = cfg.timezone(config)
    if at is None:
        return datetime.now(zone).replace(second=0, microsecond=0)
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def choose_cast(config: Config) -> Casting:
    """Voices per the config: ``[voice] engine`` is ``auto`` or an engine name."""
    dirs = cfg.voice_dirs(config)
    engine = config.get("voice", "engine")
    if engine != AUTO and engine not in engine_names():
        raise ConfigError(f"unknown engine {engine!r}; choose one of: {', '.join([AUTO, *engine_names()])}.")
    anchor = load_voice(config.get("voice", "anchor"), dirs)
    newsreader = load_voice(config.get("voice", "newsreader"), dirs)
    if engine != AUTO:  # strict: every voice from that engine, no fallback
        anchor, newsreader = (v if v.engine == engine else profile_for_engine(engine, v.language, dirs)
                              for v in (anchor, newsreader))
        return Casting(Cast(anchor, newsreader))
    cast = Cast(anchor, newsreader)
    if not any(engine_class(v.engine).online for v in cast.profiles):
        return Casting(cast)
    offline = load_voice(config.get("voice", "fallback"), dirs)
    if engine_class(offline.engine).online:
        raise ConfigError(f"[voice] fallback {offline.name!r} must be an offline voice.")
    return Casting(cast, Cast(offline, offline))


def _reader(profile: VoiceProfile) -> Reader:
    return Reader(Preparer(load_lexicon(profile.lexicons)), Pacing(profile.chars_per_second))


def _assemble(page: Page, at: datetime, cast: Cast, config: Config, max_seconds: float | None) -> Script:
    anchor = _reader(cast.anchor)
    newsreader = anchor if cast.newsreader == cast.anchor else _reader(cast.newsreader)
    return assemble(page, at, cfg.script_settings(config), Voicing(anchor, newsreader), max_seconds=max_seconds)


def make_script(
    page: Path | str, config: Config, *, at: datetime | None = None, max_seconds: float | None = None
) -> Script:
    """Read ``page`` and assemble its radio script for the configured voices, without audio."""
    moment = resolve_at(at, config)
    return _assemble(read_news(page, config, moment), moment, choose_cast(config).cast, config, max_seconds)


def slug(text: str) -> str:
    """ASCII file-name form: "Nieuwsbulletin Buitenland" -> "nieuwsbulletin-buitenland"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "bulletin"


def output_stem(out_dir: Path, script: Script, show: str) -> Path:
    """``DIR/YYYY-MM-DD/<slug>-HHMM`` (without suffix)."""
    name = slug(f"{show} {script.section or ''}")
    return out_dir / f"{script.at:%Y-%m-%d}" / f"{name}-{script.at:%H%M}"


def _voice(
    page: Page, at: datetime, cast: Cast, config: Config, max_seconds: float | None,
    cache: SegmentCache | None, progress: Progress | None,
) -> tuple[Script, list[Speech], SpeechStats, dict[str, Engine]]:
    """Assemble the script for ``cast`` and speak it."""
    script = _assemble(page, at, cast, config, max_seconds)
    engines = {
        v.name: create_engine(v.engine, {**cfg.engine_options(config, v.engine), **v.options})
        for v in cast.profiles
    }
    total = len(script.segments) + 1  # every segment, then mastering
    done = 0

    def segment_done(index: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, script.segments[index].title)

    jobs = [(engines[cast.voice(s.kind).name], s.text) for s in script.segments]
    speeches, stats = speak(jobs, cache, segment_done)
    return script, speeches, stats, engines


@dataclass(frozen=True)
class Outputs:
    """The files a build writes, all beside the MP3."""

    mp3: Path
    script_text: Path
    script_json: Path
    webvtt: Path
    srt: Path
    chapters: Path
    qa: Path
    cover: Path
    episode: Path
    alexa: Path

    @classmethod
    def at(cls, stem: Path) -> Outputs:
        """The file names for ``stem`` (``DIR/DATE/name-HHMM``)."""
        suffixes = (".mp3", ".txt", ".json", ".vtt", ".srt", ".chapters.json", ".qa.json", ".jpg",
                    MANIFEST_SUFFIX, ALEXA_SUFFIX)
        return cls(*(stem.with_name(stem.name + s) for s in suffixes))

    def all(self) -> list[Path]:
        """Every file, in field order."""
        return [getattr(self, f) for f in self.__dataclass_fields__]


def _cover(config: Config, script: Script) -> bytes:
    own = config.get("show", "cover")
    if own:
        return load_cover(Path(own))
    label = (script.section or "Nieuws").upper()
    return make_cover(config.get("show", "title"), f"{written_date(script.at.date())} · {script.at:%H:%M}", label)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _alexa_rendition(prepared: Prepared, config: Config, main: Profile, path: Path) -> Rendered | None:
    """The bulletin mastered for Alexa Flash Briefings, if wanted and within Amazon's rules."""
    if not config.get("publish", "alexa"):
        path.unlink()
        return None
    alexa = get_profile(ALEXA)
    rendered = finish(prepared, alexa, path)
    if not rendered.qa.passed:
        log.warning("no Alexa rendition: %s.", "; ".join(rendered.qa.problems))
        path.unlink()
        return None
    return rendered


def read_news(location: Path | str, config: Config, at: datetime) -> Page:
    """A page, feed or JSON bulletin from a file or an http(s) URL."""
    spec = SourceSpec(name=str(location), location=str(location))
    return read_source(spec, at, Fetcher(cfg.fetch_settings(config)) if spec.remote else None)


def build(
    page: Path | str,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one bulletin from a saved page, feed or JSON bulletin (file or URL)."""
    moment = resolve_at(at, config)
    return build_page(read_news(page, config, moment), config, at=moment, max_seconds=max_seconds,
                      progress=progress)


def build_page(
    parsed: Page,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one bulletin MP3 with its script, transcripts, chapters, QA report, cover,
    Alexa rendition and episode manifest."""
    started = time.perf_counter()
    moment = resolve_at(at, config)
    casting = choose_cast(config)
    audio_settings = cfg.audio_settings(config)
    sounders = cfg.sounders(config)
    cache_root = cfg.cache_dir(config)
    cache = SegmentCache(cache_root) if cache_root else None
    cast, fell_back = casting.cast, False
    try:
        script, speeches, stats, engines = _voice(parsed, moment, cast, config, max_seconds, cache, progress)
    except EngineError as exc:
        if casting.fallback is None:
            raise
        cast, fell_back = casting.fallback, True
        log.warning("%s The whole bulletin is read by %s instead.", exc.reason, cast.newsreader.name)
        script, speeches, stats, engines = _voice(parsed, moment, cast, config, max_seconds, cache, progress)
    log.info("speech: %d segments, %d from the cache, %d synthesised in %.2f s",
             stats.segments, stats.cached, stats.synthesised, time.perf_counter() - started)

    root = Path(config.get("output", "dir"))
    out = Outputs.at(output_stem(root, script, config.get("show", "title")))
    spoken_by = ", ".join(f"{e.name} {e.version}" for e in {e.name: e for e in engines.values()}.values())
    voices = " + ".join(v.name for v in cast.profiles)
    cover = _cover(config, script)
    with staged(out.all()) as temps:
        tmp = Outputs(*temps)
        prepared = prepare(speeches, [s.kind for s in script.segments], audio_settings, sounders)
        rendered = finish(prepared, audio_settings.profile, tmp.mp3)
        tmp.qa.write_text(json.dumps(rendered.qa.to_dict(), indent=2) + "\n", encoding="utf-8")
        if not rendered.qa.passed:
            raise QAError(f"the bulletin misses the {rendered.qa.profile} profile: "
                          f"{'; '.join(rendered.qa.problems)}. Nothing was written.")
        alexa = _alexa_rendition(prepared, config, audio_settings.profile, tmp.alexa)
        if progress:
            progress(len(script.segments) + 1, len(script.segments) + 1, "mastered")
        chapter_list = chapters(script, rendered)
        write_tags(tmp.mp3, TagInfo(
            title=script.title,
            artist=config.get("show", "author"),
            album=config.get("show", "title"),
            recorded=script.at,
            genre=config.get("show", "genre"),
            engine=spoken_by,
            voice=voices,
            encoded_by=f"bulletin {__version__} ({spoken_by}, voice {voices})",
            description=description(script),
            transcript=transcript(script),
            duration=rendered.duration,
            cover_jpeg=cover,
            chapters=chapter_list,
        ))
        timed = cues(script, rendered)
        tmp.script_text.write_text(to_text(script), encoding="utf-8")
        tmp.script_json.write_text(to_json(script), encoding="utf-8")
        tmp.webvtt.write_text(webvtt(timed), encoding="utf-8")
        tmp.srt.write_text(srt(timed), encoding="utf-8")
        tmp.chapters.write_text(chapters_json(chapter_list), encoding="utf-8")
        tmp.cover.write_bytes(cover)
        tmp.episode.write_text(Episode(
            guid=episode_guid(_relative(out.mp3, root)),
            title=script.title,
            description=description(script),
            published=script.at,
            duration=rendered.duration,
            mp3=_relative(out.mp3, root),
            webvtt=_relative(out.webvtt, root),
            srt=_relative(out.srt, root),
            chapters=_relative(out.chapters, root),
            cover=_relative(out.cover, root),
            alexa_mp3=_relative(out.alexa, root) if alexa else None,
            alexa_duration=alexa.duration if alexa else None,
            language=config.get("show", "language"),
            engine=spoken_by,
            voice=voices,
        ).to_json(), encoding="utf-8")
    if alexa is None:
        out.alexa.unlink(missing_ok=True)  # an older build's rendition no longer matches
    return BuildResult(
        outputs=out, script=script, qa=rendered.qa, engine=spoken_by, voice=voices, speech=stats,
        fell_back=fell_back, seconds_taken=time.perf_counter() - started,
    )


def publish_folder(config: Config) -> PublishResult:
    """Publish every bulletin in the configured output folder."""
    return publish(
        Path(config.get("output", "dir")), cfg.show(config), cfg.channel_cover(config),
        retention=config.get("publish", "retention"), alexa=config.get("publish", "alexa"),
        delete_old=config.get("publish", "delete_old_audio"),
    )
