"""Sources: where news comes from, read into the :class:`~bulletin.model.Page` model.

A source is a saved page (the text format), an RSS or Atom feed, or a JSON
bulletin, from a file or an http(s) URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulletin.errors import ConfigError, SourceError
from bulletin.model import Page
from bulletin.sources.bulletinjson import parse_bulletin_json
from bulletin.sources.encoding import decode, read_bytes, read_text
from bulletin.sources.fetch import Fetcher
from bulletin.sources.page import parse_page
from bulletin.sources.rss import parse_feed

KINDS = ("auto", "page", "rss", "json")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
FEED_START = (b"<?xml", b"<rss", b"<feed", b"<rdf")


@dataclass(frozen=True)
class SourceSpec:
    """One configured source (a ``[[sources]]`` table)."""

    name: str
    location: str  # a file path or an http(s) URL
    kind: str = "auto"
    announce: str = ""  # spoken before this source's stories when there are several
    max_items: int = 0  # 0: all

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError(f"source {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}.")

    @property
    def remote(self) -> bool:
        """True for an http(s) URL."""
        return self.location.lower().startswith(("http://", "https://"))


def _kind(spec: SourceSpec, data: bytes) -> str:
    if spec.kind != "auto":
        return spec.kind
    path = spec.location.lower().split("?", 1)[0]
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    if path.endswith(".json") or head.startswith((b"{", b"[")):
        return "json"
    if path.endswith(FEED_SUFFIXES) or head.startswith(FEED_START):
        return "rss"
    return "page"


def read_source(spec: SourceSpec, at: datetime, fetcher: Fetcher | None = None,
                max_file_bytes: int | None = None) -> Page:
    """Fetch (or read, up to ``max_file_bytes``) and parse one source; SourceError or
    InputError says why not."""
    if spec.remote:
        if fetcher is None:
            raise SourceError(f"source {spec.name!r} is a URL but fetching is not set up.")
        data = fetcher.get(spec.location).data
    else:
        data = read_bytes(spec.location, max_file_bytes)
    kind = _kind(spec, data)
    if kind == "rss":
        return parse_feed(data, at, spec.name)
    if kind == "json":
        return parse_bulletin_json(data, at, spec.name)
    return parse_page(decode(data, spec.location), at, name=spec.location)


def load_page(path: str | Path, at: datetime) -> Page:
    """Read and parse a saved news page file."""
    return parse_page(read_text(path), at, name=str(path))


__all__ = ["SourceSpec", "load_page", "parse_page", "read_source", "read_text"]
