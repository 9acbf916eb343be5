"""``bulletin say``: one text, spoken and mastered like a bulletin's segment, to hear how a
voice reads it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bulletin.audio.qa import QAReport
from bulletin.build.news import resolve_at
from bulletin.build.workshop import Workshop, preparer, reader
from bulletin.casting.cast import Casting, choose_cast, first_that_works
from bulletin.casting.profiles import Cast
from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import InputError
from bulletin.core.model import Script, Segment, SegmentKind
from bulletin.core.plaintext import speakable
from bulletin.formats import by_suffix
from bulletin.script.rules import Change
from bulletin.storage.atomic import staged
from bulletin.text.sentences import first_words
from bulletin.tts import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Said:
    """What `say` spoke and wrote."""

    text: str  # as given to the engine
    path: Path
    qa: QAReport
    engine: str
    voice: str


@dataclass(frozen=True)
class Explained:
    """How a voice reads a text: the words each rule changed, in order, and the reading."""

    changes: tuple[Change, ...]
    spoken: str
    voice: str


def explain(text: str, config: Config) -> Explained:
    """How the newsreader (or ``--voice``) reads ``text``, rule by rule, without speaking it: the
    same preparation `say` and a build run."""
    if not speakable(text):
        raise InputError("nothing to explain: give the text to read (a word or a number).")
    voice = choose_cast(cfg.voice_choice(config)).cast.newsreader
    prepare = preparer(voice)
    return Explained(tuple(prepare.explain(text.strip())), prepare(text.strip()), voice.name)


def say(text: str, config: Config, path: Path, *, raw: bool = False) -> Said:
    """Speak ``text`` with the newsreader's voice, prepared with its lexicons (unless ``raw``),
    mastered like a bulletin segment (without sounders) into ``path``, in the format its
    name asks for. With engine ``auto`` the offline voice speaks when Google cannot, as in a build."""
    formats = by_suffix()
    if path.is_dir():
        raise InputError(f"{path} is a folder; name the audio file to write (say.mp3).")
    if path.suffix.lower() not in formats:
        raise InputError(
            f"{path}: cannot write {path.suffix or 'this kind of'} audio; name a {' or '.join(formats)} file."
        )
    if not speakable(text):
        raise InputError("nothing to say: give the text to speak (a word or a number).")
    choice = cfg.voice_choice(config)
    casting = choose_cast(choice)
    # The newsreader says it; each fallback's newsreader in turn when it cannot.
    first, *rest = (Cast(c.newsreader, c.newsreader) for c in casting.casts)
    readers = Casting(first, tuple(c for c in rest if c != first))
    quiet = config.override({"sounders.enabled": False, "audio.format": formats[path.suffix.lower()].name})
    return first_that_works(readers, choice, lambda cast, engines: _say(text, cast, engines, quiet, path, raw))


def _say(text: str, cast: Cast, engines: dict[str, Engine], config: Config, path: Path, raw: bool) -> Said:
    voice = cast.newsreader
    spoken = text.strip() if raw else reader(voice).prepare(text.strip())
    if not speakable(spoken):
        raise InputError(f"nothing to say: {text.strip()!r} has no word or number left once prepared for {voice.name}.")
    segment = Segment(SegmentKind.BRIEF, first_words(spoken), spoken, spoken)
    workshop = Workshop(config, alexa=False)
    main = workshop.main
    script = Script(text, resolve_at(None, config), (segment,))
    with staged([path]) as (temp,):
        voiced = workshop.voice(lambda _cast: script, cast, engines, {main.name: temp})
    rendered = voiced.rendered[main.name]
    if not rendered.qa.passed:
        from bulletin.audio.loudness import GATE_BLOCK_S  # (numpy: only once there is audio)

        # Under one 400 ms gating block ffmpeg reads -70 LUFS however loud the word is.
        short = (
            f" (shorter than {GATE_BLOCK_S} s, too short for an integrated loudness reading; "
            f"levelled by its mean loudness)"
            if rendered.qa.duration < GATE_BLOCK_S
            else ""
        )
        log.warning("%s misses the %s profile: %s%s.", path, main.name, "; ".join(rendered.qa.problems), short)
    engine = next(iter(voiced.engines.values()))
    return Said(spoken, path, rendered.qa, f"{engine.name} {engine.version}", voice.name)
