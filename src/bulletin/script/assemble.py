"""Assemble a radio script from a parsed page, following newsreader conventions.

- The intro gives the time the way a newsreader says it; the outro signs off.
- The lead comes first, then the briefs in the page's editorial order.
- A dateline is spoken as its own short phrase ("Moskou.") before the story;
  agencies, time labels and section markers are never spoken.
- Adjacent briefs from one place (or same-place briefs that tie on time) are
  read together under one spoken dateline.
- The lead is read in order: its dateline, then its headline only if the first
  sentence does not already say it, then the story; its place is said once (no
  dateline before a headline or first sentence that names the place, no "Zwolle:"
  before a headline after the dateline).
- Whatever ``max_seconds`` leaves out is listed (``dropped``) and reported with
  its text (``dropped_text``, rule ``cut: duration``; logged for ``-v``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from importlib import resources

from bulletin.core.errors import ConfigError, ScriptError
from bulletin.core.model import Dropped, DroppedText, Page, Script, Section, Segment, SegmentKind, Story
from bulletin.script.clock import greeting, spoken_date, spoken_time, written_date
from bulletin.script.estimate import Pacing, read_seconds
from bulletin.text import sentences
from bulletin.text.sentences import first_words

log = logging.getLogger(__name__)

Prepare = Callable[[str], str]

INTRO_TITLE = "Opening"
OUTRO_TITLE = "Afsluiting"
# A headline is "repeated" when this share of its content words (not in
# stopwords-nl.txt) occurs in the first sentence too, allowing for
# inflection and compounds (defensie ~ defensiegebied).
HEADLINE_REPEAT_SHARE = 0.6
PREFIX_MATCH_LETTERS = 5
WORD = re.compile(r"[^\W_]+")
CUT_DURATION = "cut: duration"  # the rule of what --max-duration leaves out, in dropped_text
PLACE_PREFIX_END = r"\s*[:|–—-]\s*"  # "Zwolle: ..." or "ZWOLLE - ..." opening a headline
PLACEHOLDERS = ("greeting", "clock", "date", "show", "section")


@dataclass(frozen=True)
class ScriptSettings:
    """What the script stage needs from the configuration."""

    show: str
    intro: str  # template; placeholders: {greeting} {clock} {date} {show} {section}
    outro: str
    gap_seconds: float  # between segments, for the length estimate


@dataclass(frozen=True)
class Reader:
    """One voice's way with text: its lexicon (as a prepare function) and its pace."""

    prepare: Prepare
    pacing: Pacing


@dataclass(frozen=True)
class Voicing:
    """Who reads what: the anchor opens and closes, the newsreader reads the stories."""

    anchor: Reader
    newsreader: Reader

    def reader(self, kind: SegmentKind) -> Reader:
        """The reader of a segment of ``kind``."""
        return self.anchor if kind.is_anchor else self.newsreader


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph."""
    return sentences.first(text)


@cache
def stopwords() -> frozenset[str]:
    """Dutch function words, from the package's data file."""
    text = resources.files(__package__).joinpath("stopwords-nl.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def headline_repeated(headline: str, sentence: str) -> bool:
    """True when ``sentence`` already says what ``headline`` says."""
    head = [w for w in WORD.findall(headline.lower()) if w not in stopwords()]
    said = WORD.findall(sentence.lower())
    if not head:
        return False

    def found(word: str) -> bool:
        return any(
            s == word or (min(len(s), len(word)) >= PREFIX_MATCH_LETTERS and (s.startswith(word) or word.startswith(s)))
            for s in said
        )

    return sum(map(found, head)) / len(head) >= HEADLINE_REPEAT_SHARE


def names_place(text: str, place: str) -> bool:
    """True when ``text`` names ``place``, also inflected ("Amsterdamse" names Amsterdam;
    a short name such as "Ede" only as a word of its own)."""
    name = r"\s+".join(map(re.escape, place.split()))
    ending = "" if len(place) >= PREFIX_MATCH_LETTERS else r"(?![\w-])"
    return re.search(rf"(?<![\w-]){name}{ending}", text, re.IGNORECASE) is not None


def without_place(headline: str, place: str) -> str:
    """``headline`` without a leading "Zwolle: " of its own place (the dateline says it)."""
    name = r"\s+".join(map(re.escape, place.split()))
    rest = re.sub(rf"^{name}{PLACE_PREFIX_END}", "", headline, flags=re.IGNORECASE)
    return rest[:1].upper() + rest[1:] if rest and rest != headline else headline


def editorial_order(briefs: Sequence[Story]) -> list[Story]:
    """The page's order, with same-place briefs that tie on time pulled together."""
    mates: dict[tuple[str, datetime | None], list[Story]] = {}
    for brief in briefs:
        if brief.place is not None:
            mates.setdefault((brief.place, brief.published), []).append(brief)
    ordered: list[Story] = []
    placed: set[int] = set()  # ids: stories are compared by identity, not by value
    for brief in briefs:
        if id(brief) in placed:
            continue
        group = [brief] if brief.place is None else mates[(brief.place, brief.published)]
        ordered.extend(group)
        placed.update(id(story) for story in group)
    return ordered


def _fill(template: str, values: dict[str, str], name: str) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        names = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise ConfigError(f"script {name} template {template!r} is invalid ({exc}); use {names}.") from None


class _Builder:
    """Turns a selection of stories into segments; rebuilt as stories are dropped."""

    def __init__(self, page: Page, at: datetime, settings: ScriptSettings, voicing: Voicing) -> None:
        self.page, self.at, self.voicing = page, at, voicing
        values = {
            "greeting": greeting(at.time()),
            "clock": spoken_time(at.time()),
            "date": spoken_date(at.date()),
            "show": settings.show,
            "section": page.section or "",
        }
        intro = _fill(settings.intro, values, "intro")
        outro = _fill(settings.outro, values, "outro")
        self.intro = self._segment(SegmentKind.INTRO, INTRO_TITLE, [intro])
        self.outro = self._segment(SegmentKind.OUTRO, OUTRO_TITLE, [outro])

    def _segment(self, kind: SegmentKind, title: str, parts: list[str], story: Story | None = None) -> Segment:
        written = "\n".join(parts)
        prepare = self.voicing.reader(kind).prepare
        return Segment(
            kind=kind,
            title=title,
            text="\n".join(prepare(p) for p in parts),
            written=written,
            place=story.place if story else None,
            agencies=story.agencies if story else (),
            published=story.published if story else None,
        )

    def lead(self, paragraphs: Sequence[str]) -> Segment:
        lead = self.page.lead
        first = first_sentence(paragraphs[0])
        headline = without_place(lead.headline, lead.place) if lead.headline and lead.place else lead.headline
        # The place counts as said: the dateline, or the sentence that names it, says it.
        if headline and headline_repeated(headline, f"{lead.place or ''} {first}"):
            headline = None
        parts: list[str] = []
        if lead.place and not names_place(f"{headline or ''} {first}", lead.place):
            parts.append(f"{lead.place}.")
        if headline:
            parts.append(_sentence(headline))
        parts.extend(paragraphs)
        title = lead.headline or _place_title(lead.place, paragraphs[0])
        return self._segment(SegmentKind.LEAD, title, parts, lead)

    def brief(self, story: Story, *, say_place: bool, announce: str | None = None) -> Segment:
        parts = ([announce] if announce else []) + ([f"{story.place}."] if say_place and story.place else [])
        parts += list(story.paragraphs)
        return self._segment(SegmentKind.BRIEF, _place_title(story.place, story.paragraphs[0]), parts, story)

    def segments(
        self, lead_paragraphs: Sequence[str], sections: Sequence[Section], kept: Sequence[Story]
    ) -> list[Segment]:
        """Intro, lead, the kept briefs section by section, outro."""
        out = [self.intro, self.lead(lead_paragraphs)]
        kept_ids = {id(story) for story in kept}
        for section in sections:
            briefs = [b for b in section.briefs if id(b) in kept_ids]
            previous_place: str | None = None
            for index, story in enumerate(briefs):
                announce = section.announcement if index == 0 else None
                out.append(self.brief(story, say_place=story.place != previous_place, announce=announce))
                previous_place = story.place
        out.append(self.outro)
        return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def _place_title(place: str | None, text: str) -> str:
    words = first_words(text)
    return f"{place}: {words}" if place else words


def _drop_order(briefs: Sequence[Story], page_order: Sequence[Story]) -> list[Story]:
    """The briefs in the order they are dropped: the oldest first (unknown times count as oldest);
    among equals, the one lowest on the page."""
    position = {id(story): index for index, story in enumerate(page_order)}

    def age_key(story: Story) -> tuple[bool, float, int]:
        known = story.published is not None
        return (known, story.published.timestamp() if story.published else 0.0, -position[id(story)])

    return sorted(briefs, key=age_key)


def _fewest(fits: Callable[[int], bool], most: int) -> int | None:
    """The smallest count from 0 to ``most`` for which ``fits`` holds (it holds for every larger
    one too), or None when it holds for none."""
    if not fits(most):
        return None
    low, high = 0, most
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


def assemble(
    page: Page,
    at: datetime,
    settings: ScriptSettings,
    voicing: Voicing,
    *,
    max_seconds: float | None = None,
) -> Script:
    """Build the script; with ``max_seconds``, drop the oldest briefs (then trailing
    lead paragraphs) until the estimated length fits."""
    builder = _Builder(page, at, settings, voicing)
    sections = [replace(s, briefs=tuple(editorial_order(s.briefs))) for s in page.sections]
    briefs = [b for s in sections for b in s.briefs]
    lead_paragraphs = list(page.lead.paragraphs)
    segments = builder.segments(lead_paragraphs, sections, briefs)
    dropped: list[Dropped] = []
    cut: list[DroppedText] = []  # the same, with their text, beside the sources' dropped text
    pacing = voicing.newsreader.pacing  # dropped items are stories

    def length(segs: list[Segment]) -> float:
        return read_seconds(((voicing.reader(s.kind).pacing, s.text) for s in segs), settings.gap_seconds)

    if max_seconds is not None and length(segments) > max_seconds:
        # Fitting costs a few builds (a binary search on how many to drop; fewer stories never read
        # longer), not one build per story dropped: 16,000 briefs fit as fast as they are read.
        order = _drop_order(briefs, page.briefs)

        def kept(count: int) -> list[Story]:
            gone = {id(story) for story in order[:count]}
            return [b for b in briefs if id(b) not in gone]

        def fits_without(count: int) -> bool:
            return length(builder.segments(lead_paragraphs, sections, kept(count))) <= max_seconds

        fewest = _fewest(fits_without, len(order))
        for victim in order[: len(order) if fewest is None else fewest]:
            cut.append(DroppedText(victim.source, victim.label, victim.text, CUT_DURATION))
            seconds = pacing.seconds(builder.brief(victim, say_place=True).text)
            dropped.append(
                Dropped(
                    "brief",
                    _place_title(victim.place, victim.paragraphs[0]),
                    victim.place,
                    victim.published,
                    round(seconds, 1),
                )
            )
        briefs = kept(len(order) if fewest is None else fewest)
        if fewest is None:  # without any brief still too long: the lead's last paragraphs go, one by one

            def fits_with(count: int) -> bool:
                shorter = lead_paragraphs[: len(lead_paragraphs) - count]
                return length(builder.segments(shorter, sections, briefs)) <= max_seconds

            extra = _fewest(fits_with, len(lead_paragraphs) - 1)
            if extra is None:
                raise ScriptError(
                    f"the intro, the lead's first paragraph and the outro alone take about "
                    f"{length(builder.segments(lead_paragraphs[:1], sections, briefs)):.0f} s, more than "
                    f"--max-duration {max_seconds:g}; allow more time."
                )
            for paragraph in reversed(lead_paragraphs[len(lead_paragraphs) - extra :]):
                cut.append(DroppedText(page.lead.source, page.lead.label, paragraph, CUT_DURATION))
                dropped.append(
                    Dropped(
                        "paragraph",
                        first_words(paragraph),
                        page.lead.place,
                        page.lead.published,
                        round(pacing.seconds(voicing.newsreader.prepare(paragraph)), 1),
                    )
                )
            lead_paragraphs = lead_paragraphs[: len(lead_paragraphs) - extra]
        segments = builder.segments(lead_paragraphs, sections, briefs)

    for item in cut:
        log.info("%s", item.line())
    title = f"{settings.show} – {written_date(at.date())}, {at:%H:%M}"
    return Script(
        title=title,
        at=at,
        segments=tuple(segments),
        section=page.section,
        dropped=tuple(dropped),
        estimated_seconds=round(length(segments), 1),
        dropped_text=(*page.dropped_text, *cut),
    )
