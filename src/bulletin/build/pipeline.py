"""The stages in order: page -> script -> speech -> parts -> the tagged file -> sidecars."""

from __future__ import annotations

import errno
import json
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bulletin import __version__
from bulletin.audio.qa import QAReport
from bulletin.audio.render import Rendered
from bulletin.build.news import news_at, resolve_at
from bulletin.build.outputs import Outputs, corrections_root, output_stem
from bulletin.build.timeline import chapters, cues
from bulletin.build.workshop import Compose, Progress, Voiced, Workshop, preparer, voicing
from bulletin.casting.cast import Casting, choose_cast, first_that_works
from bulletin.casting.profiles import Cast
from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import BulletinError, InputError, QAError
from bulletin.core.model import Page, Script, Segment, SegmentKind
from bulletin.formats.base import Finished, TagInfo
from bulletin.media.cover import Covers
from bulletin.publish import OUTPUT_DEPTH
from bulletin.publish.episode import APPROVED, DRAFT, ON_AIR, Episode, episode_guid, revision_now, versioned_name
from bulletin.publish.sidecars import chapters_json, srt, webvtt
from bulletin.script import assemble
from bulletin.script.clock import written_date
from bulletin.script.fit import SCRIPT_SOURCE, fit_script, prepare_script
from bulletin.script.normalize import Preparer
from bulletin.script.rules import Change
from bulletin.storage.atomic import link_or_copy, staged_folder
from bulletin.storage.cachedir import DEPTH as CACHE_DEPTH
from bulletin.storage.locks import name_lock
from bulletin.storage.sweep import sweep
from bulletin.text.scriptfile import description, to_json, to_text, transcript
from bulletin.tts.speak import SpeechStats

log = logging.getLogger(__name__)

COVER_LABEL = "Nieuws"  # on a drawn cover, for a bulletin without a section


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
    id: str = ""  # the bulletin's id: its folder, YYYY-MM-DD/<stem>
    correction: bool = False  # a draft built beside a bulletin that may be on air, to replace it when approved

    @property
    def audio(self) -> Path:
        """The bulletin itself: its audio file, in its format."""
        return self.outputs.audio


def _assemble(page: Page, at: datetime, cast: Cast, config: Config, max_seconds: float | None) -> Script:
    return assemble(page, at, cfg.script_settings(config), voicing(cast), max_seconds=max_seconds)


def _fit(script: Script, cast: Cast, config: Config, max_seconds: float | None, source: str) -> Script:
    """A script read from a file, prepared for ``cast`` (each voice its own respellings) and fitted."""
    readers = voicing(cast)
    gap = cfg.script_settings(config).gap_seconds
    return fit_script(prepare_script(script, readers), readers, gap, max_seconds, source=source)


def make_script(
    page: Path | str, config: Config, *, at: datetime | None = None, max_seconds: float | None = None
) -> Script:
    """Read ``page`` and assemble its radio script for the configured voices, without audio
    (a script is taken as written, fitted to ``max_seconds``)."""
    news, moment = news_at(page, config, at)
    cast = choose_cast(cfg.voice_choice(config)).cast
    if isinstance(news, Script):
        return _fit(news, cast, config, max_seconds, str(page))
    return _assemble(news, moment, cast, config, max_seconds)


@dataclass(frozen=True)
class SegmentReading:
    """A script's segment with how its voice reads the segment's written text, rule by rule."""

    segment: Segment
    changes: tuple[Change, ...]
    voice: str


def explain_script(
    page: Path | str, config: Config, *, at: datetime | None = None, max_seconds: float | None = None
) -> list[SegmentReading]:
    """The script `make_script` makes, each segment with the words every rule changed when its
    voice prepared it (the same rules, so the last change of a word is what is spoken)."""
    script = make_script(page, config, at=at, max_seconds=max_seconds)
    cast = choose_cast(cfg.voice_choice(config)).cast
    preparers: dict[str, Preparer] = {}
    readings = []
    for segment in script.segments:
        voice = cast.voice(segment.kind)
        prepare = preparers.setdefault(voice.name, preparer(voice))
        changes = tuple(change for paragraph in segment.written.split("\n") for change in prepare.explain(paragraph))
        readings.append(SegmentReading(segment, changes, voice.name))
    return readings


def build(
    page: Path | str,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
    state: str = APPROVED,
) -> BuildResult:
    """Build one bulletin from a saved page, feed, JSON bulletin or script (file or URL); ``state``
    is what it is once built: approved (the next publish puts it out) or a draft (it waits for an
    editor)."""
    news, moment = news_at(page, config, at)
    if isinstance(news, Script):
        return build_script(news, config, max_seconds=max_seconds, progress=progress, state=state, source=str(page))
    return build_page(news, config, at=moment, max_seconds=max_seconds, progress=progress, state=state)


def build_page(
    page: Page,
    config: Config,
    *,
    at: datetime | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
    state: str = APPROVED,
) -> BuildResult:
    """Build one bulletin from a page: its script assembled for the voices, then made."""
    moment = resolve_at(at, config)
    return _build(
        lambda cast: _assemble(page, moment, cast, config, max_seconds), page.section, moment, config, progress, state
    )


def build_script(
    script: Script,
    config: Config,
    *,
    max_seconds: float | None = None,
    progress: Progress | None = None,
    state: str = APPROVED,
    source: str = SCRIPT_SOURCE,
) -> BuildResult:
    """Build one bulletin from a script (an editor's), for its own moment: its segments in the
    editor's order and words, prepared for the voices that read them; with ``max_seconds``, its
    last briefs are left out until it fits (``source`` names the script in the report of what was
    left out)."""
    script = replace(script, at=resolve_at(script.at, config))
    return _build(
        lambda cast: _fit(script, cast, config, max_seconds, source),
        script.section,
        script.at,
        config,
        progress,
        state,
    )


def _build(
    compose: Compose, section: str | None, moment: datetime, config: Config, progress: Progress | None, state: str
) -> BuildResult:
    """Make one bulletin: the audio file with its tags and chapters (or cue points), script,
    transcripts, chapters, QA report, cover, Alexa rendition and episode manifest."""
    started = time.perf_counter()
    choice = cfg.voice_choice(config)
    casting = choose_cast(choice)
    workshop = Workshop(config, progress)
    audio_format = workshop.main.encoder.format
    root = Path(config.settings.output.dir)
    cache = cfg.cache_dir(config)
    for folder, depth in [(root, OUTPUT_DEPTH), *([(cache, CACHE_DEPTH)] if cache else [])]:
        for left in sweep(folder, depth):
            log.info("removed %s, left by an interrupted run", left)
    out = Outputs.at(output_stem(root, moment, section, config.settings.show.title), audio_format)
    busy = "another build of {} is running; this one stops (try again when it is done, or build for another --at)."
    with name_lock(out.folder, busy.format(out.folder)):
        # Decided under the bulletin's lock, which approving takes too: a draft never replaces
        # what may be on air, it waits beside it as a correction.
        correcting = state == DRAFT and _on_air(out.episode)
        if correcting:
            root = corrections_root(root)
            for left in sweep(root, OUTPUT_DEPTH):
                log.info("removed %s, left by an interrupted run", left)
            out = Outputs.at(output_stem(root, moment, section, config.settings.show.title), audio_format)
        with name_lock(out.folder, busy.format(out.folder)) if correcting else nullcontext():
            earlier = out.folder.exists()
            with _room_for(out.folder, earlier), staged_folder(out.folder) as temp:
                tmp = Outputs.at(temp / out.folder.name, audio_format)
                voiced, spoken_by, voices = _make(
                    compose, casting, workshop, config, root, out, tmp, progress, state, (section, moment)
                )
    if correcting:
        log.warning(
            "the bulletin is on air: this draft is a correction beside it, which replaces it when approved "
            "(the studio, or `bulletin approve %s`).",
            out.folder.relative_to(root).as_posix(),
        )
    elif earlier:
        log.warning("replaced the earlier bulletin %s with this build.", out.audio)
    log.info(
        "speech: %d segments, %d synthesised; %d parts made",
        voiced.speech.segments,
        voiced.speech.synthesised,
        workshop.renderer.made,
    )
    main = voiced.rendered[workshop.main.name]
    return BuildResult(
        outputs=out,
        script=voiced.script,
        qa=main.qa,
        engine=spoken_by,
        voice=voices,
        speech=voiced.speech,
        parts_made=workshop.renderer.made,
        fell_back=voiced.cast != casting.cast,
        seconds_taken=time.perf_counter() - started,
        id=out.folder.relative_to(root).as_posix(),
        correction=correcting,
    )


@contextmanager
def _room_for(folder: Path, earlier: bool) -> Iterator[None]:
    """A disk that fills up while the bulletin is written is one line naming the bulletin (not a
    temporary file, not ffmpeg's internals), and what a listener has is as it was."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        kept = "the earlier bulletin is as it was" if earlier else "nothing was written"
        raise BulletinError(
            f"no space left on the device for {folder} ({kept}); free some space and build again."
        ) from None


def _on_air(manifest: Path) -> bool:
    """Whether the bulletin whose manifest is ``manifest`` is approved or published."""
    try:
        return Episode.from_json(manifest.read_text("utf-8"), manifest).state in ON_AIR
    except (OSError, InputError):
        return False  # none yet, or unreadable: nothing on air to keep


def _cover(config: Config, section: str | None, at: datetime, covers: Covers) -> bytes:
    """The show's own cover, or one drawn (or read from the cache) for its section, day and hour."""
    from bulletin.media.cover import load_cover

    show = config.settings.show
    if show.cover:
        return load_cover(Path(show.cover))
    label = (section or COVER_LABEL).upper()
    return covers.get(show.title, f"{written_date(at.date())} · {at:%H:%M}", label)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _make(
    compose: Compose,
    casting: Casting,
    workshop: Workshop,
    config: Config,
    root: Path,
    out: Outputs,
    tmp: Outputs,
    progress: Progress | None,
    state: str,
    cover_for: tuple[str | None, datetime],
) -> tuple[Voiced, str, str]:
    """Write every file of the bulletin ``out`` at its place in ``tmp`` (a private folder);
    ``cover_for``: the section and moment its cover shows."""
    paths = {workshop.main.name: tmp.audio}
    if workshop.alexa:
        paths[workshop.alexa.name] = tmp.alexa
    if workshop.podcast:
        paths[workshop.podcast.name] = tmp.podcast
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cover") as drawing:
        drawn: list[Future[bytes]] = []

        def draw() -> None:
            """The cover shows the show, the section and the hour, not the audio: it is drawn (or
            read from the cache) while ffmpeg joins and measures the file. Not sooner: mastering's
            memory is given back by then, so the drawing does not add to the build's peak."""
            if not drawn:
                drawn.append(drawing.submit(_cover, config, *cover_for, workshop.covers))

        voiced = first_that_works(
            casting,
            cfg.voice_choice(config),
            lambda cast, engines: workshop.voice(compose, cast, engines, paths, draw),
        )
        cover = drawn[0].result()  # started by the render that made the file
    script, main = voiced.script, voiced.rendered[workshop.main.name]
    tmp.qa.write_text(json.dumps(main.qa.to_dict(), indent=2) + "\n", encoding="utf-8")
    if not main.qa.passed:
        raise QAError(
            f"the bulletin misses the {main.qa.profile} profile: {'; '.join(main.qa.problems)}. Nothing was written."
        )
    alexa = _alexa(voiced.rendered.get(workshop.alexa.name) if workshop.alexa else None, tmp.alexa)
    podcast = _podcast(voiced.rendered.get(workshop.podcast.name) if workshop.podcast else None, tmp.podcast)
    if progress:
        progress(len(script.segments) + 1, len(script.segments) + 1, "mastered")
    spoken_by = ", ".join(f"{e.name} {e.version}" for e in {e.name: e for e in voiced.engines.values()}.values())
    voices = " + ".join(v.name for v in voiced.cast.profiles)
    chapter_list = chapters(script, main)
    guid = episode_guid(_relative(out.audio, root))  # of the stable name: every version is one episode
    show = config.settings.show
    tags = TagInfo(
        title=script.title,
        artist=show.author,
        album=show.title,
        recorded=script.at,
        genre=show.genre,
        engine=spoken_by,
        voice=voices,
        encoded_by=f"bulletin {__version__} ({spoken_by}, voice {voices})",
        description=description(script),
        transcript=transcript(script),
        duration=main.duration,
        cover_jpeg=cover,
        chapters=chapter_list,
    )

    def finished(rendered: Rendered) -> Finished:
        return Finished(
            # a rendition's own times: an MP3's parts are whole frames, so its chapters start later
            tags=replace(tags, duration=rendered.duration, chapters=chapters(script, rendered)),
            headline=next((s.title for s in script.segments if s.kind is SegmentKind.LEAD), ""),
            reference=guid.rsplit(":", 1)[-1].replace("-", ""),
            rate=rendered.sample_rate,
            part_starts=rendered.starts,
            loudness=rendered.qa.measured,
        )

    workshop.main.encoder.tag(tmp.audio, finished(main))
    if podcast and workshop.podcast:  # what podcast apps show: the same chapters, cover, transcript
        workshop.podcast.encoder.tag(tmp.podcast, finished(podcast))
    timed = cues(script, main)

    def served(path: Path) -> str:
        """The manifest's name for a rendition: its versioned twin (see episode.versioned_name)."""
        versioned = path.with_name(versioned_name(path))
        link_or_copy(path, versioned)
        return _relative(out.folder / versioned.name, root)

    episode = Episode(
        guid=guid,
        title=script.title,
        description=description(script),
        published=script.at,
        duration=main.duration,
        audio=served(tmp.audio),
        media_type=workshop.main.encoder.format.media_type,
        webvtt=_relative(out.webvtt, root),
        srt=_relative(out.srt, root),
        chapters=_relative(out.chapters, root),
        cover=_relative(out.cover, root),
        alexa_mp3=served(tmp.alexa) if alexa else None,
        alexa_duration=alexa.duration if alexa else None,
        podcast_audio=served(tmp.podcast) if podcast else None,
        language=show.language,
        engine=spoken_by,
        voice=voices,
        state=state,
        revised=revision_now(),
    )
    sidecars: list[tuple[Path, Callable[[], str]]] = [
        (tmp.script_text, lambda: to_text(script)),
        (tmp.script_json, lambda: to_json(script)),
        (tmp.webvtt, lambda: webvtt(timed, show.language)),
        (tmp.srt, lambda: srt(timed)),
        (tmp.chapters, lambda: chapters_json(chapter_list)),
        (tmp.episode, episode.to_json),
    ]
    for path, render in sidecars:
        path.write_text(render(), encoding="utf-8")
    tmp.cover.write_bytes(cover)
    return voiced, spoken_by, voices


def _podcast(rendered: Rendered | None, path: Path) -> Rendered | None:
    """The podcast rendition if it meets its profile; without it the feed offers the bulletin's
    own file (which some apps will not play), so the build says so."""
    if rendered is not None and not rendered.qa.passed:
        log.warning("no podcast MP3 for the feed: %s.", "; ".join(rendered.qa.problems))
        path.unlink(missing_ok=True)
        return None
    return rendered


def _alexa(rendered: Rendered | None, path: Path) -> Rendered | None:
    """The Alexa rendition if there is one within Amazon's rules; its file removed otherwise."""
    if rendered is not None and rendered.qa.passed:
        return rendered
    if rendered is not None:
        log.warning("no Alexa rendition: %s.", "; ".join(rendered.qa.problems))
    path.unlink(missing_ok=True)
    return None
