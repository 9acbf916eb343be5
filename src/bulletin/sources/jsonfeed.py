"""JSON Feed (https://jsonfeed.org, versions 1.0 and 1.1), as many CMSs and static-site
generators publish it, read as a page like an RSS or Atom feed (:mod:`bulletin.sources.feeditem`):
the first item leads, the next are briefs, the feed's title names their section.

Of each item: ``title``; ``content_html`` (reduced to clean text, what the markup sets aside
reported) or ``content_text``; ``summary``; ``date_published`` (else ``date_modified``), for the
order of dropping and for ``max_age``; ``url``, so a story two sources link to is read once;
``tags``, so an item tagged as an advertorial is left out; ``authors`` (1.0: ``author``; the
feed's when the item names none), so a byline is not read. An item with a field of the wrong
type is left out with a warning naming the field; the rest of the feed is read.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any

from bulletin.core.errors import InputError
from bulletin.core.jsontext import loads
from bulletin.core.model import Page
from bulletin.sources.encoding import opening
from bulletin.sources.feeditem import FeedItem, feed_page
from bulletin.sources.kind import SourceKind
from bulletin.sources.markup import html_blocks, text_blocks

log = logging.getLogger(__name__)

VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")  # 1.0 feeds in the wild use http
KNOWN_VERSIONS = ("1", "1.1")
TEXT_FIELDS = ("title", "content_html", "content_text", "summary", "date_published", "date_modified", "url")
SHAPE = 'a JSON Feed ({"version": "https://jsonfeed.org/version/1.1", "items": [...]})'


class _BadItem(Exception):
    """An item that cannot be read; the message names the field."""


def _document(data: bytes) -> Any:
    try:
        return loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _version(document: Any) -> str | None:
    """What follows the JSON Feed prefix of ``version`` ("1.1"), or None for another document."""
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str):
        return None
    prefix = next((p for p in VERSION_PREFIXES if version.startswith(p)), None)
    return version[len(prefix) :].strip("/") if prefix else None


def sniff(data: bytes, location: str) -> bool:
    """A JSON object whose ``version`` is a JSON Feed version URL."""
    return opening(data).startswith(b"{") and _version(_document(data)) is not None


def _names(value: Any, where: str) -> tuple[str, ...]:
    """Author names from 1.1's ``authors`` (a list) or 1.0's ``author`` (one object)."""
    people = value if isinstance(value, list) else [value]
    if not all(isinstance(p, dict) and isinstance(p.get("name", ""), str) for p in people):
        raise _BadItem(f"{where} must be a list of objects with a text name")
    return tuple(p["name"].strip() for p in people if p.get("name", "").strip())


def _authors(data: dict[str, Any], where: str) -> tuple[str, ...]:
    if data.get("authors") is not None:
        return _names(data["authors"], f"{where}.authors")
    if data.get("author") is not None:
        return _names(data["author"], f"{where}.author")
    return ()


def _moment(value: str | None, where: str, zone: tzinfo | None, name: str) -> datetime | None:
    """An RFC 3339 time; a time without a zone is the bulletin's. One that cannot be read is
    warned about and the item is taken as undated (kept, like any item without a time)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        log.warning("%s: %s %r is not an RFC 3339 time; the item is read as undated.", name, where, value)
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _item(data: Any, where: str, feed_authors: tuple[str, ...], zone: tzinfo | None, name: str) -> FeedItem:
    if not isinstance(data, dict):
        raise _BadItem(f"{where} must be an object")
    for field in TEXT_FIELDS:
        if data.get(field) is not None and not isinstance(data[field], str):
            raise _BadItem(f"{where}.{field} must be text, got {data[field]!r}")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _BadItem(f"{where}.tags must be a list of texts")
    html, text = data.get("content_html") or "", data.get("content_text") or ""
    published = _moment(data.get("date_published"), f"{where}.date_published", zone, name)
    return FeedItem(
        title=data.get("title") or "",
        content=tuple(html_blocks(html) if html.strip() else text_blocks(text)),
        summary=tuple(text_blocks(data.get("summary") or "")),
        published=published or _moment(data.get("date_modified"), f"{where}.date_modified", zone, name),
        url=(data.get("url") or "").strip() or None,
        tags=tuple(t.strip() for t in tags if t.strip()),
        authors=_authors(data, where) or feed_authors,
    )


def read(data: bytes, at: datetime, name: str) -> Page:
    """The feed's items as a page, in the feed's order."""
    document = _document(data)
    version = _version(document)
    if version is None:
        raise InputError(f'{name}: not a JSON Feed; one has "version": "https://jsonfeed.org/version/1.1".')
    if version not in KNOWN_VERSIONS:
        log.warning("%s: JSON Feed version %r is newer than 1.1; read as 1.1.", name, version)
    items = document.get("items")
    if not isinstance(items, list) or not items:
        raise InputError(f'{name}: a JSON Feed needs "items", a list with at least one item.')
    title = document.get("title")
    try:
        feed_authors = _authors(document, "feed")
    except _BadItem as bad:
        raise InputError(f"{name}: {bad}.") from None
    read_items = []
    for index, data in enumerate(items):
        try:
            read_items.append(_item(data, f"items[{index}]", feed_authors, at.tzinfo, name))
        except _BadItem as bad:
            log.warning("%s: %s; that item is left out.", name, bad)
    if not read_items:
        raise InputError(f"{name}: no item of this JSON Feed can be read (see the warnings).")
    return feed_page(read_items, title.strip() if isinstance(title, str) else None, name)


KIND = SourceKind(
    "jsonfeed",
    "a JSON Feed (1.0 or 1.1): the first item leads, then briefs",
    sniff,
    read,
    json_shape=SHAPE,
)
