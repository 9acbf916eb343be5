"""The stages in order: page -> script -> speech -> parts -> tagged MP3 -> sidecars."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulletin import __version__, config as cfg
from bulletin.audio.parts import PartStore, check_rate, plan_parts
from bulletin.audio.profiles import ALEXA, get_profile
from bulletin.audio.qa import QAReport
from bulletin.audio.render import Calibrations, Rendered, Renderer
from bulletin.audio.timeline import chapters, cues
from bulletin.caches import CALIBRATION, PARTS, SEGMENTS
from bulletin.casting import choose_cast
from bulletin.config import Config
from bulletin.errors import EngineError, QAError
from bulletin.fsutil import staged
from bulletin.model import Page, Script
from bulletin.outputs import Outputs, output_stem
from bulletin.publish import PublishResult, publish
from bulletin.publish.episode import Episode, episode_guid
from bulletin.publish.sidecars import chapters_json, srt, webvtt
from bulletin.script import Pacing, Preparer, Reader, Voicing, assemble, load_lexicon
from bulletin.script.clock import written_date
from bulletin.script.render import description, to_json, to_text, transcript
from bulletin.sources import SourceSpec, read_source
from bulletin.sources.fetch import Fetcher
from bulletin.tags import TagInfo, write_tags
from bulletin.tts import Engine, Speech, create_engine
from bulletin.tts.cache import SegmentCache, segment_key
from bulletin.tts.speak import SpeechStats, speak
from bulletin.voices import Cast, VoiceProfile

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and what it measured."""

    outputs: Outputs
    script: Script
    qa: QAReport
    engine: str
    voice: str
    speech: SpeechStats
    parts_made: int
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


def _reader(profile: VoiceProfile) -> Reader:
    return Reader(Preparer(load_lexicon(profile.lexicons)), Pacing(profile.chars_per_second))


def _assemble(page: Page, at: datetime, cast: Cast, config: Config, max_seconds: float | None) -> Script:
    anchor = _reader(cast.anchor)
    newsreader = anchor if cast.newsreader == cast.anchor else _reader(cast.newsreader)
    return assemble(page, at, cfg.script_settings(config), Voicing(anchor, newsreader), max_seconds=max_seconds)


def read_news(location: Path | str, config: Config, at: datetime) -> Page:
    """A page, feed or JSON bulletin from a file or an http(s) URL."""
    spec = SourceSpec(name=str(location), location=str(location))
    return read_source(spec, at, Fetcher(cfg.fetch_settings(config)) if spec.remote else None,
                       cfg.input_max_bytes(config))


def make_script(
    page: Path | str, config: Config, *, at: datetime | None = None, max_seconds: float | None = None
) -> Script:
    """Read ``page`` and assemble its radio script for the configured voices, without audio."""
    moment = resolve_at(at, config)
    return _assemble(read_news(page, config, moment), moment, choose_cast(config).cast, config, max_seconds)


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


@dataclass
class _Voiced:
    script: Script
    rendered: dict[str, Rendered]
    speech: SpeechStats
    engines: dict[str, Engine]
    cast: Cast


class _Workshop:
    """What one build works with: settings, caches and the renderer."""

    def __init__(self, config: Config, progress: Progress | None) -> None:
        self.config, self.progress = config, progress
        self.audio = cfg.audio_settings(config)
        check_rate(self.audio.sample_rate)
        root = cfg.cache_dir(config)
        self.segments = SegmentCache(root / SEGMENTS if root else None)
        calibrations = Calibrations(root / CALIBRATION if root else None)
        self.renderer = Renderer(self.audio, cfg.sounders(config), PartStore(root / PARTS if root else None),
                                 calibrations)
        main = self.audio.profile
        # The Alexa rendition is made only when it can be published: Alexa plays HTTPS audio only.
        alexa = config.get("publish", "alexa") and config.get("publish", "base_url").lower().startswith("https://")
        self.profiles = [main] + ([get_profile(ALEXA)] if alexa and main.name != ALEXA else [])

    def voice(self, page: Page, at: datetime, cast: Cast, max_seconds: float | None,
              paths: Mapping[str, Path]) -> _Voiced:
        """Assemble the script for ``cast``, then render every profile's file from parts,
        synthesising only the speech of parts that are not made yet."""
        script = _assemble(page, at, cast, self.config, max_seconds)
        engines = {
            v.name: create_engine(v.engine, {**cfg.engine_options(self.config, v.engine), **v.options})
            for v in cast.profiles
        }
        jobs = [(engines[cast.voice(s.kind).name], s.text) for s in script.segments]
        plans = plan_parts([s.kind for s in script.segments], [segment_key(e, t) for e, t in jobs],
                           self.audio, self.renderer.sounders)
        stats = SpeechStats(segments=len(jobs))
        total = len(jobs) + 1

        def speech_for(indexes: Sequence[int], ready: Callable[[int, Speech], None]) -> None:
            def segment_done(position: int, speech: Speech) -> None:
                ready(indexes[position], speech)
                if self.progress:
                    self.progress(position + 1, total, script.segments[indexes[position]].title)

            stats.synthesised += speak([jobs[i] for i in indexes], self.segments, segment_done).synthesised

        rendered = self.renderer.render(plans, self.profiles, paths, speech_for)
        stats.cached = stats.segments - stats.synthesised
        return _Voiced(script, rendered, stats, engines, cast)


def _cover(config: Config, script: Script) -> bytes:
    from bulletin.cover import load_cover, make_cover

    own = config.get("show", "cover")
    if own:
        return load_cover(Path(own))
    label = (script.section or "Nieuws").upper()
    return make_cover(config.get("show", "title"), f"{written_date(script.at.date())} · {script.at:%H:%M}", label)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def build_page(
    page: Page,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one bulletin: MP3 with tags and chapters, script, transcripts, chapters,
    QA report, cover, Alexa rendition and episode manifest."""
    started = time.perf_counter()
    moment = resolve_at(at, config)
    casting = choose_cast(config)
    workshop = _Workshop(config, progress)
    root = Path(config.get("output", "dir"))
    out = Outputs.at(output_stem(root, moment, page.section, config.get("show", "title")))
    with staged(out.all()) as temps:
        tmp = Outputs(*temps)
        paths = {profile.name: tmp.mp3 if index == 0 else tmp.alexa for index, profile in enumerate(workshop.profiles)}
        try:
            voiced = workshop.voice(page, moment, casting.cast, max_seconds, paths)
        except EngineError as exc:
            if casting.fallback is None:
                raise
            log.warning("%s The whole bulletin is read by %s instead.", exc.reason, casting.fallback.newsreader.name)
            voiced = workshop.voice(page, moment, casting.fallback, max_seconds, paths)
        script, main = voiced.script, voiced.rendered[workshop.profiles[0].name]
        tmp.qa.write_text(json.dumps(main.qa.to_dict(), indent=2) + "\n", encoding="utf-8")
        if not main.qa.passed:
            raise QAError(f"the bulletin misses the {main.qa.profile} profile: "
                          f"{'; '.join(main.qa.problems)}. Nothing was written.")
        alexa = _alexa(voiced.rendered.get(ALEXA) if workshop.profiles[0].name != ALEXA else None, tmp.alexa)
        if progress:
            progress(len(script.segments) + 1, len(script.segments) + 1, "mastered")
        spoken_by = ", ".join(f"{e.name} {e.version}" for e in {e.name: e for e in voiced.engines.values()}.values())
        voices = " + ".join(v.name for v in voiced.cast.profiles)
        chapter_list = chapters(script, main)
        cover = _cover(config, script)
        write_tags(tmp.mp3, TagInfo(
            title=script.title, artist=config.get("show", "author"), album=config.get("show", "title"),
            recorded=script.at, genre=config.get("show", "genre"), engine=spoken_by, voice=voices,
            encoded_by=f"bulletin {__version__} ({spoken_by}, voice {voices})",
            description=description(script), transcript=transcript(script), duration=main.duration,
            cover_jpeg=cover, chapters=chapter_list,
        ))
        timed = cues(script, main)
        tmp.script_text.write_text(to_text(script), encoding="utf-8")
        tmp.script_json.write_text(to_json(script), encoding="utf-8")
        tmp.webvtt.write_text(webvtt(timed), encoding="utf-8")
        tmp.srt.write_text(srt(timed), encoding="utf-8")
        tmp.chapters.write_text(chapters_json(chapter_list), encoding="utf-8")
        tmp.cover.write_bytes(cover)
        tmp.episode.write_text(_episode(out, root, script, main, alexa, config, spoken_by, voices), encoding="utf-8")
    if alexa is None:
        out.alexa.unlink(missing_ok=True)  # an older build's rendition no longer matches
    log.info("speech: %d segments, %d synthesised; %d parts made", voiced.speech.segments,
             voiced.speech.synthesised, workshop.renderer.made)
    return BuildResult(
        outputs=out, script=script, qa=main.qa, engine=spoken_by, voice=voices, speech=voiced.speech,
        parts_made=workshop.renderer.made, fell_back=voiced.cast != casting.cast,
        seconds_taken=time.perf_counter() - started,
    )


def _alexa(rendered: Rendered | None, path: Path) -> Rendered | None:
    """The Alexa rendition if there is one within Amazon's rules; its file removed otherwise."""
    if rendered is not None and rendered.qa.passed:
        return rendered
    if rendered is not None:
        log.warning("no Alexa rendition: %s.", "; ".join(rendered.qa.problems))
    path.unlink(missing_ok=True)
    return None


def _episode(out: Outputs, root: Path, script: Script, main: Rendered, alexa: Rendered | None, config: Config,
             engine: str, voice: str) -> str:
    return Episode(
        guid=episode_guid(_relative(out.mp3, root)), title=script.title, description=description(script),
        published=script.at, duration=main.duration, mp3=_relative(out.mp3, root),
        webvtt=_relative(out.webvtt, root), srt=_relative(out.srt, root), chapters=_relative(out.chapters, root),
        cover=_relative(out.cover, root), alexa_mp3=_relative(out.alexa, root) if alexa else None,
        alexa_duration=alexa.duration if alexa else None, language=config.get("show", "language"),
        engine=engine, voice=voice,
    ).to_json()


def publish_folder(config: Config) -> PublishResult:
    """Publish every bulletin in the configured output folder."""
    return publish(
        Path(config.get("output", "dir")), cfg.show(config), cfg.channel_cover(config),
        retention=config.get("publish", "retention"), alexa=config.get("publish", "alexa"),
        delete_old=config.get("publish", "delete_old_audio"),
    )

