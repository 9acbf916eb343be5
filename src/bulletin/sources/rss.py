"""RSS and Atom feeds (read by feedparser) as a page: the first entry is the
lead, the next ones are briefs. Datelines are taken from the entry text when
it has one, times from the entries, and HTML is reduced to clean text."""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from html.parser import HTMLParser
from typing import Any

from bulletin.errors import InputError
from bulletin.model import Page, Section, Story
from bulletin.sources.encoding import opening, path_part
from bulletin.sources.page import parse_dateline

BLOCK_TAGS = frozenset("p div br li h1 h2 h3 h4 h5 h6 blockquote tr section article".split())
SKIP_TAGS = frozenset("script style figure figcaption".split())
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“‘])")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
FEED_START = (b"<?xml", b"<rss", b"<feed", b"<rdf")
BRIEF_MAX_SENTENCES = 3  # a brief is brief: the first sentences of a long summary


class _Text(HTMLParser):
    """Collects text; block elements become paragraph breaks; scripts are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in SKIP_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:  # line breaks in the source are just spaces in HTML
            self.parts.append(data.replace("\n", " "))


def html_paragraphs(html: str) -> list[str]:
    """Paragraphs of plain text from an HTML fragment."""
    reader = _Text()
    reader.feed(html)
    reader.close()
    text = "".join(reader.parts)
    return [" ".join(p.split()) for p in text.split("\n") if p.strip()]


def _published(entry: Any, zone: tzinfo | None) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime(*stamp[:6], tzinfo=timezone.utc).astimezone(zone)


def _story(entry: Any, zone: tzinfo | None, lead: bool) -> Story | None:
    headline = " ".join(html_paragraphs(entry.get("title", ""))) or None
    content = entry.get("content") or []
    html = content[0].get("value", "") if lead and content else entry.get("summary", "")
    paragraphs = html_paragraphs(html)
    if not paragraphs:
        if not headline:
            return None
        paragraphs, headline = [headline], None
    dateline = parse_dateline(paragraphs[0])
    if dateline:
        paragraphs[0] = paragraphs[0][dateline.length:].strip()
    if not lead:  # the first few sentences make the brief
        sentences = SENTENCE_END.split(" ".join(paragraphs))
        paragraphs = [" ".join(sentences[:BRIEF_MAX_SENTENCES])]
    return Story(
        paragraphs=tuple(p for p in paragraphs if p),
        headline=headline if lead else None,
        place=dateline.place if dateline else None,
        agencies=dateline.agencies if dateline else (),
        published=_published(entry, zone),
    )


def parse_feed(data: bytes, at: datetime, name: str) -> Page:
    """A feed's entries as a page, in the feed's order."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise InputError(f"{name}: no entries in this RSS or Atom feed{reason}.")
    stories = [s for i, e in enumerate(parsed.entries) if (s := _story(e, at.tzinfo, lead=i == 0))]
    if not stories:
        raise InputError(f"{name}: the feed's entries have no text.")
    title = parsed.feed.get("title") or None
    return Page(lead=stories[0], sections=(Section(tuple(stories[1:]), title),) if len(stories) > 1 else ())


def sniff(data: bytes, location: str) -> bool:
    """A feed's file name, or data that opens like XML."""
    return path_part(location).endswith(FEED_SUFFIXES) or opening(data).startswith(FEED_START)


read = parse_feed
