"""Sources: where news comes from, read into a :class:`~bulletin.core.model.Page`
(news to write a script from) or a :class:`~bulletin.core.model.Script` (a script
an editor has checked, to be read as written).

A source is a saved page (the text format), an RSS or Atom feed, a JSON
bulletin or a bulletin script, from a file or an http(s) URL. Each kind is a
reader module in the registry below with ``sniff(data, location) -> bool``
(does this look like mine?, for ``kind = "auto"``) and
``read(data, at, name) -> Page | Script``; a new kind is one module and one
line here. A reader raises InputError for data it cannot use, whatever its
location; only fetching raises SourceError.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from bulletin.core.errors import ConfigError, SourceError
from bulletin.core.model import Page, Script
from bulletin.core.plaintext import printable_fields
from bulletin.sources.encoding import read_bytes
from bulletin.sources.fetch import Fetcher

AUTO = "auto"
# kind -> reader module, in the order ``auto`` asks them; the last takes anything.
READERS: dict[str, str] = {
    "script": "bulletin.sources.script",
    "json": "bulletin.sources.bulletinjson",
    "rss": "bulletin.sources.rss",
    "page": "bulletin.sources.page",
}
KINDS = (AUTO, *READERS)

News = Page | Script  # what a source holds


@dataclass(frozen=True)
class SourceSpec:
    """One configured source (a ``[[sources]]`` table)."""

    name: str
    location: str  # a file path or an http(s) URL
    kind: str = AUTO
    announce: str = ""  # spoken before this source's stories when there are several
    max_items: int = 0  # 0: all
    drop: tuple[str, ...] = ()  # regular expressions: a sentence one is found in is not read

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError(f"source {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}.")

    @property
    def remote(self) -> bool:
        """True for an http(s) URL."""
        return self.location.lower().startswith(("http://", "https://"))


def reader(kind: str) -> ModuleType:
    """The reader module of a source kind (imported when first asked for)."""
    return importlib.import_module(READERS[kind])


def sniff(data: bytes, location: str) -> str:
    """The kind of source ``data`` (from ``location``) looks like."""
    return next(kind for kind in READERS if reader(kind).sniff(data, location))


def read_source(spec: SourceSpec, at: datetime, fetcher: Fetcher | None = None,
                max_file_bytes: int | None = None) -> News:
    """Fetch (or read, up to ``max_file_bytes``) and parse one source; SourceError or
    InputError says why not."""
    if spec.remote:
        if fetcher is None:
            raise SourceError(f"source {spec.name!r} is a URL but fetching is not set up.")
        data = fetcher.get(spec.location).data
    else:
        data = read_bytes(spec.location, max_file_bytes)
    kind = sniff(data, spec.location) if spec.kind == AUTO else spec.kind
    news: News = reader(kind).read(data, at, spec.location)  # messages name the file or URL
    # Decoding a page drops control characters; JSON escapes (\u0007) and feed entities
    # (&#7;) bring them back, so every kind is cleaned here, once, before any output.
    return printable_fields(news)


__all__ = ["KINDS", "READERS", "News", "SourceSpec", "read_source", "sniff"]
