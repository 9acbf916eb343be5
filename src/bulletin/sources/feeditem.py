"""Feed items as a page, the same for every feed format: each reader (RSS and Atom,
JSON Feed) turns its entries into :class:`FeedItem` s and :func:`feed_page` does the rest.

The first item leads and is read whole (its content, else its summary); the next are
briefs (their summary, else their content), cut to their first sentences once web
boilerplate is dropped. Datelines are taken from the text, what the markup sets aside
is reported as dropped text, and so is a byline that names the item's author.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bulletin.core.errors import InputError
from bulletin.core.model import DroppedText, Page, Section, Story
from bulletin.sources.markup import Block, html_paragraphs
from bulletin.sources.page import parse_dateline

BRIEF_MAX_SENTENCES = 3  # a brief is brief: the first sentences of a long summary
BYLINE_RULE = "byline"
# What may stand before an author's name in a byline: "Door Jan Smit", "Tekst: Jan Smit".
BYLINE_LEAD = re.compile(r"^(?:door|tekst|van)\b\s*:?\s*", re.IGNORECASE)
BYLINE_JOIN = re.compile(r"\s*(?:,|&|/|\ben\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, in the terms every format shares."""

    title: str = ""  # may hold markup and entities
    content: tuple[Block, ...] = ()  # the whole story
    summary: tuple[Block, ...] = ()  # a short version of it
    published: datetime | None = None  # timezone-aware
    url: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


def _is_byline(text: str, authors: Sequence[str]) -> bool:
    """Nothing but the item's author names, maybe after "Door" or "Tekst:"."""
    names = {" ".join(a.lower().split()) for a in authors if a.strip()}
    if not names:
        return False
    parts = [p for p in BYLINE_JOIN.split(BYLINE_LEAD.sub("", text.strip().rstrip("."))) if p]
    return bool(parts) and all(" ".join(p.lower().split()) in names for p in parts)


def _story(item: FeedItem, lead: bool, name: str) -> tuple[Story | None, list[DroppedText]]:
    headline = " ".join(html_paragraphs(item.title)) or None
    chosen = (item.content or item.summary) if lead else (item.summary or item.content)
    blocks = [Block(b.text, BYLINE_RULE) if b.rule is None and _is_byline(b.text, item.authors) else b for b in chosen]
    paragraphs = [b.text for b in blocks if b.rule is None]
    if not paragraphs:
        if not headline:
            return None, [DroppedText(name, "", b.text, b.rule) for b in blocks if b.rule]
        paragraphs, headline = [headline], None
    dateline = parse_dateline(paragraphs[0])
    if dateline:
        paragraphs[0] = paragraphs[0][dateline.length :].strip()
    story = Story(
        paragraphs=tuple(p for p in paragraphs if p),
        headline=headline if lead else None,
        place=dateline.place if dateline else None,
        agencies=dateline.agencies if dateline else (),
        published=item.published,
        # The brief is cut to its first sentences once boilerplate is dropped (sources.boilerplate).
        max_sentences=0 if lead else BRIEF_MAX_SENTENCES,
        url=item.url,
        tags=item.tags,
    )
    return story, [DroppedText(name, story.label, b.text, b.rule) for b in blocks if b.rule]


def feed_page(items: Sequence[FeedItem], title: str | None, name: str) -> Page:
    """The items as a page, in the feed's order: the first leads, the rest are briefs in a
    section named after the feed."""
    read = [_story(item, index == 0, name) for index, item in enumerate(items)]
    stories = [story for story, _ in read if story]
    aside = tuple(d for _, dropped in read for d in dropped)
    if not stories:
        raise InputError(f"{name}: the feed's entries have no text.")
    sections = (Section(tuple(stories[1:]), title or None),) if len(stories) > 1 else ()
    return Page(lead=stories[0], sections=sections, dropped_text=aside)
