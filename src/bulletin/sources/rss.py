"""RSS and Atom feeds (read by feedparser) as a page: the first entry is the lead, the
next ones are briefs (:mod:`bulletin.sources.feeditem`, shared with JSON Feed). HTML is
reduced to clean text by :mod:`bulletin.sources.markup`."""

from __future__ import annotations

import logging
from calendar import timegm
from datetime import UTC, datetime, tzinfo
from typing import Any
from xml.sax import SAXParseException

from bulletin.core.errors import InputError
from bulletin.core.model import Page
from bulletin.sources.encoding import opening, path_part
from bulletin.sources.feeditem import FeedItem, feed_page
from bulletin.sources.kind import SourceKind
from bulletin.sources.markup import html_blocks

log = logging.getLogger(__name__)

FEED_SUFFIXES = (".xml", ".rss", ".atom")
FEED_START = (b"<?xml", b"<rss", b"<feed", b"<rdf")


def _published(entry: Any, zone: tzinfo | None) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.fromtimestamp(timegm(stamp), UTC).astimezone(zone)


def _item(entry: Any, zone: tzinfo | None) -> FeedItem:
    content = entry.get("content") or []
    return FeedItem(
        title=entry.get("title", ""),
        content=tuple(html_blocks(content[0].get("value", ""))) if content else (),
        summary=tuple(html_blocks(entry.get("summary", ""))),
        published=_published(entry, zone),
        url=entry.get("link") or None,
        tags=tuple(t["term"] for t in entry.get("tags") or [] if t.get("term")),
        authors=tuple(a["name"] for a in entry.get("authors") or [] if a.get("name")),
    )


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
    return feed_page([_item(e, at.tzinfo) for e in parsed.entries], parsed.feed.get("title"), name)


def sniff(data: bytes, location: str) -> bool:
    """A feed's file name, or data that opens like XML."""
    return path_part(location).endswith(FEED_SUFFIXES) or opening(data).startswith(FEED_START)


read = parse_feed


KIND = SourceKind("rss", "an RSS or Atom feed: the first entry leads, then briefs", sniff, read)
