"""RSS and Atom feeds (read by feedparser) as a page: the first entry is the
lead, the next ones are briefs. Datelines are taken from the entry text when
it has one, times from the entries, and HTML is reduced to clean text; what
the markup marks as not the story (captions, embeds, links, image alt texts)
is set aside and reported as dropped text."""

from __future__ import annotations

import logging
import re
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from html.parser import HTMLParser
from typing import Any
from xml.sax import SAXParseException

from bulletin.core.errors import InputError
from bulletin.core.model import DroppedText, Page, Section, Story
from bulletin.sources.boilerplate import story_label
from bulletin.sources.encoding import opening, path_part
from bulletin.sources.kind import SourceKind
from bulletin.sources.page import parse_dateline

log = logging.getLogger(__name__)

BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"]
)
SILENT_TAGS = frozenset(["script", "style", "template"])  # code, not text: nothing to report
# Markup that says "not the story": its text is set aside under this rule.
SET_ASIDE_TAGS = {
    "figure": "html-caption",
    "figcaption": "html-caption",
    "picture": "html-caption",
    "iframe": "html-embed",
    "noscript": "html-embed",
}
EMBED_CLASS = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|embed", re.IGNORECASE)
LINK_TAGS = frozenset({"a"})
EMPHASIS_TAGS = frozenset(["em", "i", "small"])
# A closing paragraph all in italics this short is an editor's note or a credit.
NOTE_MAX_WORDS = 30
FEED_SUFFIXES = (".xml", ".rss", ".atom")
FEED_START = (b"<?xml", b"<rss", b"<feed", b"<rdf")
BRIEF_MAX_SENTENCES = 3  # a brief is brief: the first sentences of a long summary


@dataclass(frozen=True)
class Block:
    """A paragraph of an HTML fragment and the markup rule that sets it aside (None: read it)."""

    text: str
    rule: str | None = None
    emphasised: bool = False  # all of its text in <em>, <i> or <small>


class _Blocks(HTMLParser):
    """Paragraphs from HTML, with what the markup says about each: a caption,
    an embed, a paragraph that is only a link, an image's alt text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.chunks: list[tuple[str, bool, bool]] = []  # (text, in a link, emphasised)
        self.silent = self.links = self.emphasis = 0
        self.aside: list[list[Any]] = []  # [tag, rule, same tags nested inside] of open set-aside elements
        self.list_item = False

    def _flush(self) -> None:
        text = " ".join("".join(c[0] for c in self.chunks).split())
        words = [c for c in self.chunks if re.search(r"\w", c[0])]
        self.chunks = []
        if not text:
            return
        if self.aside:
            rule: str | None = self.aside[-1][1]
        elif words and all(c[1] for c in words):
            rule = "html-link-list" if self.list_item else "html-link"
        else:
            rule = None
        self.blocks.append(Block(text, rule, bool(words) and all(c[2] for c in words)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in SILENT_TAGS:
            self.silent += 1
        elif self.aside and tag == self.aside[-1][0]:
            self.aside[-1][2] += 1
        elif tag in SET_ASIDE_TAGS or (tag in ("blockquote", "div") and EMBED_CLASS.search(found.get("class") or "")):
            self._flush()
            self.aside.append([tag, SET_ASIDE_TAGS.get(tag, "html-embed"), 0])
        if tag == "img" and (found.get("alt") or "").strip():
            self.blocks.append(Block(" ".join((found["alt"] or "").split()), "html-image"))
        elif tag in LINK_TAGS:
            self.links += 1
        elif tag in EMPHASIS_TAGS:
            self.emphasis += 1
        if tag in BLOCK_TAGS:
            self._flush()
            self.list_item = tag == "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT_TAGS:
            self.silent = max(0, self.silent - 1)
        elif self.aside and tag == self.aside[-1][0]:
            if self.aside[-1][2]:
                self.aside[-1][2] -= 1
            else:
                self._flush()
                self.aside.pop()
        elif tag in LINK_TAGS:
            self.links = max(0, self.links - 1)
        elif tag in EMPHASIS_TAGS:
            self.emphasis = max(0, self.emphasis - 1)
        if tag in BLOCK_TAGS:
            self._flush()
            self.list_item = False

    def handle_data(self, data: str) -> None:
        if not self.silent:  # line breaks in the source are just spaces in HTML
            self.chunks.append((data.replace("\n", " "), self.links > 0, self.emphasis > 0))


def html_blocks(html: str) -> list[Block]:
    """The paragraphs of an HTML fragment, each with the markup rule that sets it aside, if any.

    Set aside: captions (``<figure>``, ``<figcaption>``), embeds (tweets, iframes),
    paragraphs and list items that are only a link, ``<img alt>`` texts, and
    closing paragraphs all in italics (credits and editors' notes).
    """
    reader = _Blocks()
    reader.feed(html)
    reader.close()
    reader._flush()
    blocks = reader.blocks
    read = [i for i, b in enumerate(blocks) if b.rule is None]
    # Closing italic paragraphs, never all of the text.
    while len(read) > 1 and blocks[read[-1]].emphasised and len(blocks[read[-1]].text.split()) <= NOTE_MAX_WORDS:
        last = read.pop()
        blocks[last] = Block(blocks[last].text, "html-note", True)
    return blocks


def html_paragraphs(html: str) -> list[str]:
    """Paragraphs of plain text from an HTML fragment (without what the markup sets aside)."""
    return [b.text for b in html_blocks(html) if b.rule is None]


def _published(entry: Any, zone: tzinfo | None) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.fromtimestamp(timegm(stamp), UTC).astimezone(zone)


def _story(entry: Any, zone: tzinfo | None, lead: bool, name: str) -> tuple[Story | None, list[DroppedText]]:
    headline = " ".join(html_paragraphs(entry.get("title", ""))) or None
    content = entry.get("content") or []
    html = content[0].get("value", "") if lead and content else entry.get("summary", "")
    blocks = html_blocks(html)
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
        published=_published(entry, zone),
        # The brief is cut to its first sentences once boilerplate is dropped (sources.boilerplate).
        max_sentences=0 if lead else BRIEF_MAX_SENTENCES,
    )
    return story, [DroppedText(name, story_label(story), b.text, b.rule) for b in blocks if b.rule]


def parse_feed(data: bytes, at: datetime, name: str) -> Page:
    """A feed's entries as a page, in the feed's order."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise InputError(f"{name}: no entries in this RSS or Atom feed{reason}.")
    if isinstance(parsed.get("bozo_exception"), SAXParseException):  # cut short, say: what was read is used, and said
        log.warning(
            "%s is not a whole RSS or Atom document (%s); read the %d entries before the fault.",
            name,
            parsed.bozo_exception,
            len(parsed.entries),
        )
    read = [_story(e, at.tzinfo, i == 0, name) for i, e in enumerate(parsed.entries)]
    stories = [story for story, _ in read if story]
    aside = tuple(d for _, dropped in read for d in dropped)
    if not stories:
        raise InputError(f"{name}: the feed's entries have no text.")
    title = parsed.feed.get("title") or None
    sections = (Section(tuple(stories[1:]), title),) if len(stories) > 1 else ()
    return Page(lead=stories[0], sections=sections, dropped_text=aside)


def sniff(data: bytes, location: str) -> bool:
    """A feed's file name, or data that opens like XML."""
    return path_part(location).endswith(FEED_SUFFIXES) or opening(data).startswith(FEED_START)


read = parse_feed


KIND = SourceKind("rss", "an RSS or Atom feed: the first entry leads, then briefs", sniff, read)
