"""The stages in order: page -> script -> speech -> parts -> tagged MP3 or WAV -> sidecars."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bulletin import __version__
from bulletin import config as cfg
from bulletin.formats.base import Encoder, Finished, create_encoder
from bulletin.audio.parts import MAX_PIECE_CHARS, PartStore, plan_parts
from bulletin.audio.profiles import ALEXA, get_profile
from bulletin.audio.qa import QAReport
from bulletin.audio.render import Calibrations, Rendered, Renderer, Verdicts
from bulletin.build.timeline import chapters, cues
from bulletin.formats import FORMATS
from bulletin.build.caches import CALIBRATION, COVERS, PARTS, SEGMENTS, VERDICTS
from bulletin.casting.cast import Casting, choose_cast, first_that_works
from bulletin.config import Config
from bulletin.media.cover import Covers
from bulletin.core.errors import ConfigError, InputError, QAError, ScriptError
from bulletin.storage.atomic import name_lock, staged, staged_folder, sweep
from bulletin.core.model import Page, Script, Segment, SegmentKind
from bulletin.build.outputs import Outputs, output_stem
from bulletin.core.plaintext import speakable
from bulletin.publish import OUTPUT_DEPTH, PublishResult, publish, require_base_url, upload
from bulletin.publish.alexa import plays as alexa_plays
from bulletin.publish.episode import Episode, episode_guid
from bulletin.publish.sidecars import chapters_json, srt, webvtt
from bulletin.script import Pacing, Preparer, Reader, Voicing, assemble, load_lexicon
from bulletin.script.assemble import first_words
from bulletin.script.clock import written_date
from bulletin.script.fit import fit_script
from bulletin.script.render import description, to_json, to_text, transcript
from bulletin.sources import News, SourceSpec, read_source
from bulletin.sources.boilerplate import drop_boilerplate
from bulletin.sources.fetch import Fetcher
from bulletin.formats.id3 import TagInfo
from bulletin.tts import Engine, Speech
from bulletin.tts.cache import SegmentCache, segment_key
from bulletin.tts.chunking import Chunk, Cut, pack
from bulletin.tts.speak import SpeechStats, speak
from bulletin.casting.profiles import Cast, VoiceProfile

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
CACHE_DEPTH = 2  # CACHE/<store>/<fan-out>/
Compose = Callable[[Cast], Script]  # the script as a cast reads it (their lexicons, their pace)


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
        """The bulletin itself: its audio file, MP3 or WAV."""
        return self.outputs.audio


def resolve_at(at: datetime | None, config: Config) -> datetime:
    """The bulletin's moment in the show's time zone; naive times are taken as local."""
    zone = cfg.timezone(config)
    if at is None:
        return datetime.now(zone).replace(second=0, microsecond=0)
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def _reader(profile: VoiceProfile) -> Reader:
    return Reader(Preparer(load_lexicon(profile.lexicons)), Pacing(profile.chars_per_second))


def _voicing(cast: Cast) -> Voicing:
    anchor = _reader(cast.anchor)
    newsreader = anchor if cast.newsreader == cast.anchor else _reader(cast.newsreader)
    return Voicing(anchor, newsreader)


def _assemble(page: Page, at: datetime, cast: Cast, config: Config, max_seconds: float | None) -> Script:
    return assemble(page, at, cfg.script_settings(config), _voicing(cast), max_seconds=max_seconds)


def _fit(script: Script, cast: Cast, config: Config, max_seconds: float | None) -> Script:
    return fit_script(script, _voicing(cast), cfg.script_settings(config).gap_seconds, max_seconds)


def read_spec(spec: SourceSpec, config: Config, at: datetime, fetcher: Fetcher | None) -> News:
    """One source's news without web boilerplate (a script is taken as written)."""
    news = read_source(spec, at, fetcher, cfg.input_max_bytes(config))
    if isinstance(news, Script):
        return news
    return drop_boilerplate(news, cfg.boilerplate(config, spec), spec.name)


def read_news(location: Path | str, config: Config, at: datetime) -> News:
    """A page, feed, JSON bulletin or script from a file or an http(s) URL."""
    spec = _configured(SourceSpec(name=str(location), location=str(location)), config)
    return read_spec(spec, config, at, Fetcher(cfg.fetch_settings(config)) if spec.remote else None)


def _configured(spec: SourceSpec, config: Config) -> SourceSpec:
    """The configured source at ``spec``'s location, if any, so that its ``drop``
    rules apply when it is read on its own (``bulletin script URL``)."""
    where = spec.location if spec.remote else str(Path(spec.location).resolve())
    return next((s for s in cfg.sources(config) if s.location == where), spec)


def _news(location: Path | str, config: Config, at: datetime | None) -> tuple[News, datetime]:
    """The news at ``location`` and the bulletin's moment: ``at`` (default: now), but a
    script is for its own moment unless ``at`` is given."""
    moment = resolve_at(at, config)
    news = read_news(location, config, moment)
    if isinstance(news, Script):
        news = replace(news, at=moment if at is not None else resolve_at(news.at, config))
        return news, news.at
    return news, moment


def make_script(
    page: Path | str, config: Config, *, at: datetime | None = None, max_seconds: float | None = None
) -> Script:
    """Read ``page`` and assemble its radio script for the configured voices, without audio
    (a script is taken as written, fitted to ``max_seconds``)."""
    news, moment = _news(page, config, at)
    if isinstance(news, Script):
        return _fit(news, choose_cast(config).cast, config, max_seconds)
    return _assemble(news, moment, choose_cast(config).cast, config, max_seconds)


def build(
    page: Path | str,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one bulletin from a saved page, feed, JSON bulletin or script (file or URL)."""
    news, moment = _news(page, config, at)
    if isinstance(news, Script):
        return build_script(news, config, max_seconds=max_seconds, progress=progress)
    return build_page(news, config, at=moment, max_seconds=max_seconds, progress=progress)


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
        root = cfg.cache_dir(config)
        self.segments = SegmentCache(root / SEGMENTS if root else None)
        self.renderer = Renderer(self.audio, cfg.sounders(config), PartStore(root / PARTS if root else None),
                                 Calibrations(root / CALIBRATION if root else None),
                                 Verdicts(root / VERDICTS if root else None))
        self.covers = Covers(root / COVERS if root else None)
        self.main = self.audio.profile
        # The Alexa rendition is made only when it can be published: Alexa plays HTTPS audio only.
        alexa = config.get("publish", "alexa") and alexa_plays(config.get("publish", "base_url"))
        self.alexa = get_profile(ALEXA) if alexa and self.main.name != ALEXA else None
        self.profiles = [self.main] + ([self.alexa] if self.alexa else [])
        self.encoders: dict[str, Encoder] = {p.name: create_encoder(p, self.audio.bit_depth) for p in self.profiles}
        for encoder in self.encoders.values():
            encoder.check_rate(self.audio.sample_rate)

    def voice(self, compose: Compose, cast: Cast, engines: dict[str, Engine],
              paths: Mapping[str, Path]) -> _Voiced:
        """Compose the script for ``cast``, then render the file of every profile in ``paths``
        from parts, synthesising only the speech of parts that are not made yet."""
        script = compose(cast)
        cap = self.config.get("script", "max_segments")
        if len(script.segments) > cap:
            raise ScriptError(f"the bulletin would have {len(script.segments)} segments, more than [script] "
                              f"max_segments = {cap}; shorten it with --max-duration, or raise the cap.")
        pieces = [_pieces(s.text) for s in script.segments]
        jobs = [(engines[cast.voice(s.kind).name], chunk.text)
                for s, chunks in zip(script.segments, pieces, strict=True) for chunk in chunks]
        owner = [index for index, chunks in enumerate(pieces) for _ in chunks]  # the segment of each job
        plans = plan_parts([s.kind for s in script.segments], [segment_key(e, t) for e, t in jobs],
                           self.audio, self.renderer.sounders, [len(chunks) for chunks in pieces])
        # Counted per segment: one spoken in pieces is synthesised if any piece was.
        stats = SpeechStats(segments=len(script.segments))
        spoken: set[int] = set()
        total = len(jobs) + 1

        def speech_for(indexes: Sequence[int], ready: Callable[[int, Speech], None]) -> None:
            def segment_done(position: int, speech: Speech) -> None:
                ready(indexes[position], speech)
                if self.progress:
                    self.progress(position + 1, total, script.segments[owner[indexes[position]]].title)

            done = speak([jobs[i] for i in indexes], self.segments, segment_done)
            spoken.update(owner[indexes[position]] for position in done.spoken)
            stats.synthesised = len(spoken)

        rendered = self.renderer.render(plans, [p for p in self.profiles if p.name in paths], self.encoders, paths,
                                        speech_for, [[chunk.start for chunk in chunks] for chunks in pieces])
        stats.cached = stats.segments - stats.synthesised
        return _Voiced(script, rendered, stats, engines, cast)


def _pieces(text: str) -> list[Chunk]:
    """A segment's text as it is spoken: whole, or in pieces cut between sentences if it is long."""
    return pack(text, MAX_PIECE_CHARS) if len(text) > MAX_PIECE_CHARS else [Chunk(text, Cut.SENTENCE)]


def _cover(config: Config, script: Script, covers: Covers) -> bytes:
    from bulletin.media.cover import load_cover

    own = config.get("show", "cover")
    if own:
        return load_cover(Path(own))
    label = (script.section or "Nieuws").upper()
    return covers.get(config.get("show", "title"), f"{written_date(script.at.date())} · {script.at:%H:%M}", label)


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
    """Build one bulletin from a page: its script assembled for the voices, then made."""
    moment = resolve_at(at, config)
    return _build(lambda cast: _assemble(page, moment, cast, config, max_seconds), page.section, moment, config,
                  progress)


def build_script(
    script: Script, config: Config, *, max_seconds: float | None = None, progress: Progress | None = None
) -> BuildResult:
    """Build one bulletin from a script (an editor's) exactly as written, for its own moment;
    with ``max_seconds``, its last briefs are left out until it fits."""
    script = replace(script, at=resolve_at(script.at, config))
    return _build(lambda cast: _fit(script, cast, config, max_seconds), script.section, script.at, config, progress)


def _build(compose: Compose, section: str | None, moment: datetime, config: Config,
           progress: Progress | None) -> BuildResult:
    """Make one bulletin: the audio (MP3 with tags and chapters, or Broadcast WAV with
    cue points), script, transcripts, chapters, QA report, cover, Alexa rendition and
    episode manifest."""
    started = time.perf_counter()
    casting = choose_cast(config)
    workshop = _Workshop(config, progress)
    encoder = workshop.encoders[workshop.main.name]
    root = Path(config.get("output", "dir"))
    cache = cfg.cache_dir(config)
    for folder, depth in [(root, OUTPUT_DEPTH), *([(cache, CACHE_DEPTH)] if cache else [])]:
        for left in sweep(folder, depth):
            log.info("removed %s, left by an interrupted run", left)
    out = Outputs.at(output_stem(root, moment, section, config.get("show", "title")), encoder.format)
    with name_lock(out.folder, f"another build of {out.folder} is running; this one stops (try again when it "
                               "is done, or build for another --at)."):
        earlier = out.folder.exists()
        with staged_folder(out.folder) as temp:
            tmp = Outputs.at(temp / out.folder.name, encoder.format)
            voiced, spoken_by, voices = _make(compose, casting, workshop, config, root, out, tmp, progress)
    if earlier:
        log.warning("replaced the earlier bulletin %s with this build.", out.audio)
    log.info("speech: %d segments, %d synthesised; %d parts made", voiced.speech.segments,
             voiced.speech.synthesised, workshop.renderer.made)
    main = voiced.rendered[workshop.main.name]
    return BuildResult(
        outputs=out, script=voiced.script, qa=main.qa, engine=spoken_by, voice=voices,
        speech=voiced.speech, parts_made=workshop.renderer.made, fell_back=voiced.cast != casting.cast,
        seconds_taken=time.perf_counter() - started,
    )


def _make(compose: Compose, casting: Casting, workshop: _Workshop, config: Config, root: Path, out: Outputs,
          tmp: Outputs, progress: Progress | None) -> tuple[_Voiced, str, str]:
    """Write every file of the bulletin ``out`` at its place in ``tmp`` (a private folder)."""
    encoder = workshop.encoders[workshop.main.name]
    paths = {workshop.main.name: tmp.audio, **({ALEXA: tmp.alexa} if workshop.alexa else {})}
    voiced = first_that_works(casting, config,
                              lambda cast, engines: workshop.voice(compose, cast, engines, paths))
    script, main = voiced.script, voiced.rendered[workshop.main.name]
    tmp.qa.write_text(json.dumps(main.qa.to_dict(), indent=2) + "\n", encoding="utf-8")
    if not main.qa.passed:
        raise QAError(f"the bulletin misses the {main.qa.profile} profile: "
                      f"{'; '.join(main.qa.problems)}. Nothing was written.")
    alexa = _alexa(voiced.rendered.get(ALEXA) if workshop.alexa else None, tmp.alexa)
    if progress:
        progress(len(script.segments) + 1, len(script.segments) + 1, "mastered")
    spoken_by = ", ".join(f"{e.name} {e.version}" for e in {e.name: e for e in voiced.engines.values()}.values())
    voices = " + ".join(v.name for v in voiced.cast.profiles)
    chapter_list = chapters(script, main)
    cover = _cover(config, script, workshop.covers)
    guid = episode_guid(_relative(out.audio, root))
    encoder.tag(tmp.audio, Finished(
        tags=TagInfo(
            title=script.title, artist=config.get("show", "author"), album=config.get("show", "title"),
            recorded=script.at, genre=config.get("show", "genre"), engine=spoken_by, voice=voices,
            encoded_by=f"bulletin {__version__} ({spoken_by}, voice {voices})",
            description=description(script), transcript=transcript(script), duration=main.duration,
            cover_jpeg=cover, chapters=chapter_list,
        ),
        headline=next((s.title for s in script.segments if s.kind is SegmentKind.LEAD), ""),
        reference=guid.rsplit(":", 1)[-1].replace("-", ""), rate=main.sample_rate, part_starts=main.starts,
        qa=main.qa,
    ))
    timed = cues(script, main)
    sidecars: list[tuple[Path, Callable[[], str]]] = [
        (tmp.script_text, lambda: to_text(script)),
        (tmp.script_json, lambda: to_json(script)),
        (tmp.webvtt, lambda: webvtt(timed, config.settings.show.language)),
        (tmp.srt, lambda: srt(timed)),
        (tmp.chapters, lambda: chapters_json(chapter_list)),
        (tmp.episode, lambda: _episode(out, guid, encoder, root, script, main, alexa, config, spoken_by, voices)),
    ]
    for path, render in sidecars:
        path.write_text(render(), encoding="utf-8")
    tmp.cover.write_bytes(cover)
    return voiced, spoken_by, voices


def _alexa(rendered: Rendered | None, path: Path) -> Rendered | None:
    """The Alexa rendition if there is one within Amazon's rules; its file removed otherwise."""
    if rendered is not None and rendered.qa.passed:
        return rendered
    if rendered is not None:
        log.warning("no Alexa rendition: %s.", "; ".join(rendered.qa.problems))
    path.unlink(missing_ok=True)
    return None


def _episode(out: Outputs, guid: str, encoder: Encoder, root: Path, script: Script, main: Rendered,
             alexa: Rendered | None, config: Config, engine: str, voice: str) -> str:
    return Episode(
        guid=guid, title=script.title, description=description(script),
        published=script.at, duration=main.duration, mp3=_relative(out.audio, root),
        media_type=encoder.format.media_type,
        webvtt=_relative(out.webvtt, root), srt=_relative(out.srt, root), chapters=_relative(out.chapters, root),
        cover=_relative(out.cover, root), alexa_mp3=_relative(out.alexa, root) if alexa else None,
        alexa_duration=alexa.duration if alexa else None, language=config.get("show", "language"),
        engine=engine, voice=voice,
    ).to_json()


def check_publishable(config: Config) -> None:
    """What publishing needs from the configuration (the address, a target that parses), checked
    before a build that is to be published, so that a mistake costs no build."""
    require_base_url(config.get("publish", "base_url"))
    cfg.publish_target(config)


def publish_folder(config: Config, *, dry_run: bool = False) -> PublishResult:
    """Publish every bulletin in the configured output folder, then copy the folder to the
    [publish] target if one is set (``dry_run``: only report what the bucket would get)."""
    root = Path(config.get("output", "dir"))
    target = cfg.publish_target(config)
    if dry_run and target is None:
        raise ConfigError("a dry run shows what would change in the bucket: set [publish] target or pass "
                          "--to s3://BUCKET/PREFIX/.")
    delete_old = config.get("publish", "delete_old_audio")
    result = publish(
        root, cfg.show(config), cfg.channel_cover(config),
        retention=config.get("publish", "retention"), alexa=config.get("publish", "alexa"),
        delete_old=delete_old and not dry_run,
    )
    if target is None:
        return result
    return replace(result, upload=upload(root, result, target, delete_old=delete_old, dry_run=dry_run))


@dataclass(frozen=True)
class Said:
    """What `say` spoke and wrote."""

    text: str  # as given to the engine
    path: Path
    qa: QAReport
    engine: str
    voice: str


def say(text: str, config: Config, path: Path, *, raw: bool = False) -> Said:
    """Speak ``text`` with the newsreader's voice, prepared with its lexicons (unless ``raw``),
    mastered like a bulletin segment (without sounders) into ``path``. With engine ``auto``
    the offline voice speaks when Google cannot, as in a build."""
    by_suffix = {f.suffix: f.name for f in FORMATS.values()}
    if path.suffix.lower() not in by_suffix:
        raise InputError(f"{path}: cannot write {path.suffix or 'this kind of'} audio; "
                         f"name a {' or '.join(by_suffix)} file.")
    if not speakable(text):
        raise InputError("nothing to say: give the text to speak (a word or a number).")
    casting = choose_cast(config)
    # The newsreader says it; each fallback's newsreader in turn when it cannot.
    first, *rest = (Cast(c.newsreader, c.newsreader) for c in casting.casts)
    readers = Casting(first, tuple(c for c in rest if c != first))
    # No sounders, and the format the file name asks for.
    quiet = replace(config, values={**config.values, "sounders": {**config.values["sounders"], "enabled": False},
                                    "audio": {**config.values["audio"], "format": by_suffix[path.suffix.lower()]}})
    return first_that_works(readers, quiet, lambda cast, engines: _say(text, cast, engines, quiet, path, raw))


def _say(text: str, cast: Cast, engines: dict[str, Engine], config: Config, path: Path, raw: bool) -> Said:
    voice = cast.newsreader
    spoken = text.strip() if raw else _reader(voice).prepare(text.strip())
    if not speakable(spoken):
        raise InputError(f"nothing to say: {text.strip()!r} has no word or number left once prepared for "
                         f"{voice.name}.")
    segment = Segment(SegmentKind.BRIEF, first_words(spoken), spoken, spoken)
    workshop = _Workshop(config, None)
    main = workshop.profiles[0]
    script = Script(text, resolve_at(None, config), (segment,))
    with staged([path]) as (temp,):
        voiced = workshop.voice(lambda _cast: script, cast, engines, {main.name: temp})
    rendered = voiced.rendered[main.name]
    if not rendered.qa.passed:
        from bulletin.audio.loudness import GATE_BLOCK_S  # (numpy: only once there is audio)

        # Under one 400 ms gating block ffmpeg reads -70 LUFS however loud the word is.
        short = (f" (shorter than {GATE_BLOCK_S} s, too short for an integrated loudness reading; "
                 f"levelled by its mean loudness)" if rendered.qa.duration < GATE_BLOCK_S else "")
        log.warning("%s misses the %s profile: %s%s.", path, main.name, "; ".join(rendered.qa.problems), short)
    engine = next(iter(voiced.engines.values()))
    return Said(spoken, path, rendered.qa, f"{engine.name} {engine.version}", voice.name)
