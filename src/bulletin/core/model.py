"""The data passed between pipeline stages: a parsed page and a radio script."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

# A bulletin's year: within what dates, feeds and tags handle (far-out dates overflow date arithmetic).
AT_YEARS = (1970, 2999)
LABEL_WORDS = 7  # a story without a headline is named in reports by its place and first words

if TYPE_CHECKING:  # numpy is only needed once there is audio; listing engines should not load it
    import numpy as np


@dataclass(frozen=True)
class Story:
    """One news item as it stood on the page."""

    paragraphs: tuple[str, ...]
    headline: str | None = None
    place: str | None = None  # properly cased: "Den Haag", not "DEN HAAG"
    agencies: tuple[str, ...] = ()
    published: datetime | None = None
    # 0: read it all; a feed's brief reads only its first sentences, counted
    # after web boilerplate is dropped (so a credit line takes no news sentence's place)
    max_sentences: int = 0
    url: str | None = None  # the item's own link in a feed: the same link in two sources is one story
    tags: tuple[str, ...] = ()  # a feed item's categories ("Binnenland", "Advertorial")
    source: str = ""  # the name of the source it came from, for reports of what was not read

    @property
    def text(self) -> str:
        """The story's body as one string, paragraphs separated by newlines."""
        return "\n".join(self.paragraphs)

    @property
    def label(self) -> str:
        """How a report names the story: its headline, or its place and first words."""
        if self.headline:
            return self.headline
        words = " ".join(self.paragraphs[0].split()[:LABEL_WORDS]) if self.paragraphs else ""
        return f"{self.place}: {words}" if self.place else words


@dataclass(frozen=True)
class Section:
    """Briefs that belong together, e.g. one source's; optionally announced."""

    briefs: tuple[Story, ...]
    name: str | None = None  # from "Meer uit <Section>", or the source's name
    announcement: str | None = None  # spoken before its first brief: "Het buitenland."


@dataclass(frozen=True)
class DroppedText:
    """A piece of a source's text not read out, and why: the boilerplate rule that dropped it, or
    the cut that left it out (too old, the same story again, a brief's length, the duration)."""

    source: str  # the source's name
    story: str  # the story it came from: its headline or first words
    text: str
    rule: str  # e.g. "prompt", "credit", "html-caption", "drop: ^Bekijk", "cut: duration"

    def line(self) -> str:
        """How ``-v`` reports it: one line each, every stage alike."""
        return f"dropped [{self.rule}] {self.source} › {self.story}: {self.text!r}"


@dataclass(frozen=True)
class Page:
    """The news to read: one lead story and the briefs under it, in sections."""

    lead: Story
    sections: tuple[Section, ...] = ()
    dropped_text: tuple[DroppedText, ...] = ()  # what the sources said that is not news

    @property
    def briefs(self) -> tuple[Story, ...]:
        """Every brief, in the page's order."""
        return tuple(b for s in self.sections for b in s.briefs)

    @property
    def section(self) -> str | None:
        """The name of the first section (it names the output file)."""
        return next((s.name for s in self.sections if s.name), None)


class SegmentKind(StrEnum):
    """What a script segment is; also the JSON value of ``kind``."""

    INTRO = "intro"
    LEAD = "lead"
    BRIEF = "brief"
    OUTRO = "outro"

    @property
    def is_anchor(self) -> bool:
        """Read by the anchor: the opening and the sign-off."""
        return self in (SegmentKind.INTRO, SegmentKind.OUTRO)

    @property
    def is_story(self) -> bool:
        """A news story (read by the newsreader, a chapter of the news)."""
        return self in (SegmentKind.LEAD, SegmentKind.BRIEF)


@dataclass(frozen=True)
class Segment:
    """One spoken unit of the bulletin; each becomes one chapter."""

    kind: SegmentKind
    title: str  # chapter title
    text: str  # exactly what the speech engine is given (in a script not yet prepared: as written)
    written: str  # the same content as written text, for transcripts
    place: str | None = None
    agencies: tuple[str, ...] = ()
    published: datetime | None = None


@dataclass(frozen=True)
class Dropped:
    """A story (or part of one) left out to fit ``--max-duration``."""

    kind: str  # "brief" or "paragraph"
    title: str
    place: str | None
    published: datetime | None
    estimated_seconds: float


@dataclass(frozen=True)
class Script:
    """The whole bulletin as text, in speaking order."""

    title: str
    at: datetime
    segments: tuple[Segment, ...]
    section: str | None = None
    dropped: tuple[Dropped, ...] = field(default=())
    estimated_seconds: float = 0.0
    dropped_text: tuple[DroppedText, ...] = ()  # web boilerplate left out of the sources' text
    # False for a script read as an editor wrote it: each segment's text is its written text,
    # prepared with the voice's lexicons when the script is composed for the voices that read it.
    prepared: bool = True


@dataclass(frozen=True)
class Chapter:
    """A chapter of the finished audio, in seconds; chapters tile the file."""

    title: str
    start: float
    end: float


@dataclass(frozen=True)
class Cue:
    """A timed piece of transcript, in seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Mark:
    """Where a piece of the text starts in the audio: for timed transcripts."""

    char: int  # offset in the text given to the engine
    sample: int  # offset in the speech's samples

    @staticmethod
    def pack(marks: Sequence[Mark]) -> list[list[int]]:
        """Marks as JSON-ready ``[char, sample]`` pairs."""
        return [[m.char, m.sample] for m in marks]

    @staticmethod
    def unpack(pairs: Sequence[Sequence[int]]) -> tuple[Mark, ...]:
        """Marks back from :meth:`pack`'s pairs."""
        return tuple(Mark(char, sample) for char, sample in pairs)


@dataclass(frozen=True, eq=False)
class Speech:
    """Synthesised speech: mono 16-bit samples at the engine's own rate."""

    samples: np.ndarray  # int16, one channel
    sample_rate: int
    marks: tuple[Mark, ...] = ()  # in text order; may be empty

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.sample_rate
