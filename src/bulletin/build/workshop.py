"""What one build works with: its renditions (a profile in a format, with an encoder),
the caches and the renderer; and how a cast's script becomes rendered files."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletin.audio.parts import MAX_PIECE_CHARS, PartStore, plan_parts
from bulletin.audio.profiles import ALEXA, PODCAST, Profile
from bulletin.audio.render import Calibrations, Rendered, Renderer, Verdicts
from bulletin.casting.profiles import Cast, VoiceProfile
from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import ScriptError
from bulletin.core.model import Script, Speech
from bulletin.formats.base import Encoder
from bulletin.media.cover import Covers
from bulletin.publish import alexa as alexa_feed
from bulletin.script import Pacing, Preparer, Reader, Voicing, load_lexicon
from bulletin.storage.cachedir import CALIBRATION, COVERS, PARTS, SEGMENTS, VERDICTS
from bulletin.tts import Engine
from bulletin.tts.cache import SegmentCache, segment_key
from bulletin.tts.chunking import Chunk, Cut, pack
from bulletin.tts.speak import SpeechStats, speak

Progress = Callable[[int, int, str], None]
SECONDS_PER_MINUTE = 60
Compose = Callable[[Cast], Script]  # the script as a cast reads it (their lexicons, their pace)
PODCAST_RENDITION = "podcast-mp3"  # a non-podcast show's feed rendition
PODCAST_FORMAT = "mp3"


def preparer(profile: VoiceProfile) -> Preparer:
    """A voice's text preparation: the rules with its lexicons."""
    return Preparer(load_lexicon(profile.lexicons))


def reader(profile: VoiceProfile) -> Reader:
    """How a voice reads: its lexicons and its pace."""
    return Reader(preparer(profile), Pacing(profile.chars_per_second))


def voicing(cast: Cast) -> Voicing:
    """How a cast reads: the anchor's and the newsreader's readers."""
    anchor = reader(cast.anchor)
    newsreader = anchor if cast.newsreader == cast.anchor else reader(cast.newsreader)
    return Voicing(anchor, newsreader)


@dataclass(frozen=True)
class Rendition:
    """One file a build makes: a loudness profile written in a format, under a name of its own
    (the main one's is its profile's)."""

    name: str
    profile: Profile
    encoder: Encoder


@dataclass
class Voiced:
    """A cast's script, spoken and rendered."""

    script: Script
    rendered: dict[str, Rendered]
    speech: SpeechStats
    engines: dict[str, Engine]
    cast: Cast


def pieces(text: str) -> list[Chunk]:
    """A segment's text as it is spoken: whole, or in pieces cut between sentences if it is long."""
    return pack(text, MAX_PIECE_CHARS) if len(text) > MAX_PIECE_CHARS else [Chunk(text, Cut.SENTENCE)]


class Workshop:
    """What one build works with: settings, caches, renditions and the renderer."""

    def __init__(self, config: Config, progress: Progress | None = None, *, alexa: bool | None = None) -> None:
        self.progress = progress
        self.max_segments = config.settings.script.max_segments
        self.max_minutes = config.settings.script.max_minutes
        self.audio = cfg.audio_settings(config)
        root = cfg.cache_dir(config)
        self.segments = SegmentCache(root / SEGMENTS if root else None, cfg.shared_cache(config, SEGMENTS))
        self.renderer = Renderer(
            self.audio,
            cfg.sounders(config),
            PartStore(root / PARTS if root else None, cfg.shared_cache(config, PARTS)),
            Calibrations(root / CALIBRATION if root else None),
            Verdicts(root / VERDICTS if root else None),
        )
        self.covers = Covers(root / COVERS if root else None)
        profile = cfg.main_profile(config)
        main_format = config.settings.audio.format
        self.main = Rendition(profile.name, profile, cfg.encoder(config, profile, main_format))
        # The Alexa rendition is made only when it can be published: Alexa plays HTTPS audio only.
        publishing = config.settings.publish
        wanted = publishing.alexa and alexa_feed.plays(publishing.base_url) if alexa is None else alexa
        self.alexa = (
            Rendition(ALEXA.name, ALEXA, cfg.encoder(config, ALEXA, alexa_feed.FORMAT))
            if wanted and profile.name != ALEXA.name
            else None
        )
        # A show in a format podcast apps do not play (WAV, for playout) gets an MP3 at the podcast
        # profile for its feed, when it has one to publish to.
        self.podcast = (
            Rendition(PODCAST_RENDITION, PODCAST, cfg.encoder(config, PODCAST, PODCAST_FORMAT))
            if publishing.base_url and not cfg.main_format(config).podcast
            else None
        )
        self.renditions = [self.main, *(r for r in (self.alexa, self.podcast) if r)]

    def voice(
        self,
        compose: Compose,
        cast: Cast,
        engines: dict[str, Engine],
        paths: Mapping[str, Path],
        made: Callable[[], None] | None = None,
    ) -> Voiced:
        """Compose the script for ``cast``, then render the file of every rendition in ``paths``
        from parts, synthesising only the speech of parts that are not made yet; ``made`` is
        called when every part is made (what it starts runs beside the join)."""
        script = compose(cast)
        if len(script.segments) > self.max_segments:
            raise ScriptError(
                f"the bulletin would have {len(script.segments)} segments, more than [script] "
                f"max_segments = {self.max_segments}; shorten it with --max-duration, or raise "
                "the cap."
            )
        minutes = (script.estimated_seconds or 0.0) / SECONDS_PER_MINUTE
        if minutes > self.max_minutes:
            raise ScriptError(
                f"the bulletin would take about {minutes:,.0f} minutes to read, more than [script] "
                f"max_minutes = {self.max_minutes}; shorten it with --max-duration, or raise the cap."
            )
        spoken_pieces = [pieces(s.text) for s in script.segments]
        jobs = [
            (engines[cast.voice(s.kind).name], chunk.text)
            for s, chunks in zip(script.segments, spoken_pieces, strict=True)
            for chunk in chunks
        ]
        owner = [index for index, chunks in enumerate(spoken_pieces) for _ in chunks]  # the segment of each job
        plans = plan_parts(
            [s.kind for s in script.segments],
            [segment_key(e, t) for e, t in jobs],
            self.audio,
            self.renderer.sounders,
            [len(chunks) for chunks in spoken_pieces],
        )
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

        stores = (self.segments.store, self.renderer.store.store)  # what the shared cache holds: speech, parts
        shared_before = sum(s.shared_hits for s in stores)
        remade_before = sum(s.shared_repaired for s in stores)
        wanted = [r for r in self.renditions if r.name in paths]
        rendered = self.renderer.render(
            plans,
            {r.name: r.profile for r in wanted},
            {r.name: r.encoder for r in wanted},
            paths,
            speech_for,
            [[chunk.start for chunk in chunks] for chunks in spoken_pieces],
            made,
        )
        stats.cached = stats.segments - stats.synthesised
        stats.shared = sum(s.shared_hits for s in stores) - shared_before
        stats.remade = sum(s.shared_repaired for s in stores) - remade_before
        return Voiced(script, rendered, stats, engines, cast)
