"""Several sources into one bulletin: the first source's lead leads; every
source's stories form a section of their own, announced when there is more
than one; a story that more sources carry is read once.

Nothing is left out silently: a story read already and a story past a source's
``max_items`` are reported as dropped text, with the reason in the rule
(``same story: regio › Brand in Zwolle``, ``cut: max_items 5``), and logged.
Two stories are the same when they link to the same page or say the same words,
or, from two sources, when most of their words agree and neither their places
nor their numbers differ. Within one source only an exact repeat is: a
newsroom's briefs that read alike (one template, another place or number) are
different news.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bulletin.core.model import DroppedText, Page, Section, Story

log = logging.getLogger(__name__)

# Two stories of different sources are the same when this share of their first paragraph's
# words (of four letters or more) is shared, measured against the shorter.
SAME_STORY_SHARE = 0.6
MIN_WORD_LETTERS = 4
WORD = re.compile(r"[^\W\d_]+")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SAME_STORY = "same story"  # the rule of a story read already: "same story: SOURCE › STORY"
CUT_MAX_ITEMS = "cut: max_items"  # and of one past its source's max_items: "cut: max_items 5"


@dataclass(frozen=True)
class _Told:
    """A story as compared with the others."""

    story: Story
    source: int  # the position of its source
    words: frozenset[str]
    numbers: frozenset[str]
    text: str  # its whole text, spacing and case evened out


def _told(story: Story, source: int) -> _Told:
    first = story.paragraphs[0] if story.paragraphs else ""
    words = frozenset(w for w in WORD.findall(first.lower()) if len(w) >= MIN_WORD_LETTERS)
    return _Told(story, source, words, frozenset(NUMBER.findall(first)), " ".join(story.text.lower().split()))


def _same_story(a: _Told, b: _Told) -> bool:
    """True when ``a`` and ``b`` tell the same story (see the module's note)."""
    if (a.story.url and a.story.url == b.story.url) or a.text == b.text:  # a dateline typed wrong changes no story
        return True
    if a.source == b.source:
        return False
    if a.story.place and b.story.place and a.story.place != b.story.place:
        return False
    if not (a.numbers <= b.numbers or b.numbers <= a.numbers):  # each says a number the other does not
        return False
    if not a.words or not b.words:
        return False
    return len(a.words & b.words) / min(len(a.words), len(b.words)) >= SAME_STORY_SHARE


def combine(sources: Sequence[tuple[Page, str | None, int]]) -> Page:
    """One page from ``(page, announcement, max_items)`` per source, in order.

    ``max_items`` (0: no limit) caps each source's stories.
    """
    lead = sources[0][0].lead
    seen = [_told(lead, 0)]
    sections = []
    dropped: list[DroppedText] = []
    announce = len(sources) > 1
    for index, (page, announcement, max_items) in enumerate(sources):
        stories = list(page.briefs) if index == 0 else [page.lead, *page.briefs]
        kept: list[Story] = []
        for story in stories:
            told = _told(story, index)
            earlier = next((other for other in seen if _same_story(told, other)), None)
            if earlier is not None:
                rule = f"{SAME_STORY}: {earlier.story.source} › {earlier.story.label}"
                dropped.append(DroppedText(story.source, story.label, story.text, rule))
            elif max_items and len(kept) >= max_items:
                dropped.append(DroppedText(story.source, story.label, story.text, f"{CUT_MAX_ITEMS} {max_items}"))
            else:
                seen.append(told)
                kept.append(replace(story, headline=None) if index else story)  # briefs have no headline
        if kept:
            sections.append(Section(tuple(kept), page.section, announcement if announce else None))
    for item in dropped:
        log.info("%s", item.line())
    dropped_text = (*(d for page, _, _ in sources for d in page.dropped_text), *dropped)
    return Page(lead=lead, sections=tuple(sections), dropped_text=dropped_text)
