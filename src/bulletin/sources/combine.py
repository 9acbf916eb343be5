"""Several sources into one bulletin: the first source's lead leads; every
source's stories form a section of their own, announced when there is more
than one; a story that more sources carry is read once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bulletin.core.model import Page, Section, Story

# Two stories are the same when this share of their first paragraph's words
# (of four letters or more) is shared, measured against the shorter.
SAME_STORY_SHARE = 0.6
MIN_WORD_LETTERS = 4
WORD = re.compile(r"[^\W\d_]+")


def _words(story: Story) -> frozenset[str]:
    first = story.paragraphs[0] if story.paragraphs else ""
    return frozenset(w for w in WORD.findall(first.lower()) if len(w) >= MIN_WORD_LETTERS)


def same_story(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when two word sets describe the same story."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME_STORY_SHARE


def combine(sources: Sequence[tuple[Page, str | None, int]]) -> Page:
    """One page from ``(page, announcement, max_items)`` per source, in order.

    ``max_items`` (0: no limit) caps each source's stories.
    """
    lead = sources[0][0].lead
    seen = [_words(lead)]
    sections = []
    announce = len(sources) > 1
    for index, (page, announcement, max_items) in enumerate(sources):
        stories = list(page.briefs) if index == 0 else [page.lead, *page.briefs]
        kept: list[Story] = []
        for story in stories:
            words = _words(story)
            if any(same_story(words, other) for other in seen):
                continue
            seen.append(words)
            kept.append(replace(story, headline=None) if index else story)  # briefs have no headline
            if max_items and len(kept) >= max_items:
                break
        if kept:
            sections.append(Section(tuple(kept), page.section, announcement if announce else None))
    dropped_text = tuple(d for page, _, _ in sources for d in page.dropped_text)
    return Page(lead=lead, sections=tuple(sections), dropped_text=dropped_text)
