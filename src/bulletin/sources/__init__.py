"""Sources: where news comes from, read into a :class:`~bulletin.core.model.Page`
(news to write a script from) or a :class:`~bulletin.core.model.Script` (a script
an editor has checked, to be read as written).

A source is a saved page (the text format), an RSS or Atom feed, a JSON Feed,
a JSON bulletin or a bulletin script, from a file or an http(s) URL. Each kind is a
reader module with a :class:`~bulletin.sources.kind.SourceKind` (``sniff``:
does this look like mine?, for ``kind = "auto"``; ``read``: the news in it),
registered in ``SOURCES`` below (or through an entry point in the
``bulletin.sources`` group of another package). A reader raises InputError
for data it cannot use, whatever its location; only fetching raises
SourceError.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bulletin.core.errors import SourceError
from bulletin.core.model import Script
from bulletin.core.plaintext import printable_fields
from bulletin.core.registry import Registry
from bulletin.sources.encoding import read_bytes
from bulletin.sources.fetch import Fetcher
from bulletin.sources.kind import News, SourceKind

AUTO = "auto"
# In the order ``auto`` asks them (a kind that takes anything is asked last).
SOURCES: Registry[SourceKind] = Registry(
    "source kind",
    "bulletin.sources",
    {
        "script": "bulletin.sources.script:KIND",
        "jsonfeed": "bulletin.sources.jsonfeed:KIND",
        "json": "bulletin.sources.bulletinjson:KIND",
        "rss": "bulletin.sources.rss:KIND",
        "page": "bulletin.sources.page:KIND",
    },
    lambda entry: isinstance(entry, SourceKind),
)


def kind_names() -> list[str]:
    """What a source's ``kind`` may be: ``auto``, or a registered kind."""
    return [AUTO, *SOURCES.names()]


@dataclass(frozen=True)
class SourceSpec:
    """One configured source (a ``[[sources]]`` table)."""

    name: str
    location: str  # a file path or an http(s) URL
    kind: str = AUTO
    announce: str = ""  # spoken before this source's stories when there are several
    max_items: int = 0  # 0: all
    drop: tuple[str, ...] = ()  # regular expressions: a sentence one is found in is not read
    max_age: str = ""  # older items are not news ("36h"; "0h": no limit); empty: [news] max_age

    def __post_init__(self) -> None:
        if self.kind != AUTO and self.kind not in SOURCES:
            raise SOURCES.unknown(self.kind)

    @property
    def remote(self) -> bool:
        """True for an http(s) URL."""
        return self.location.lower().startswith(("http://", "https://"))


def sniff(data: bytes, location: str) -> str:
    """The kind of source ``data`` (from ``location``) looks like."""
    kinds = sorted(SOURCES, key=lambda kind: kind.catch_all)  # stable: the registry's order otherwise
    return next(kind.name for kind in kinds if kind.catch_all or kind.sniff(data, location))


def read_source(
    spec: SourceSpec, at: datetime, fetcher: Fetcher | None = None, max_file_bytes: int | None = None
) -> News:
    """Fetch (or read, up to ``max_file_bytes``) and parse one source; SourceError or
    InputError says why not."""
    if spec.remote:
        if fetcher is None:
            raise SourceError(f"source {spec.name!r} is a URL but fetching is not set up.")
        data = fetcher.get(spec.location).data
    else:
        data = read_bytes(spec.location, max_file_bytes)
    kind = sniff(data, spec.location) if spec.kind == AUTO else spec.kind
    news = SOURCES.get(kind).read(data, at, spec.location)  # messages name the file or URL
    # Decoding a page drops control characters; JSON escapes (\u0007) and feed entities
    # (&#7;) bring them back, so every kind is cleaned here, once, before any output.
    return printable_fields(_from(news, spec.name))


def _from(news: News, source: str) -> News:
    """``news`` with every story marked as ``source``'s, for reports of what is not read."""
    if isinstance(news, Script):
        return news
    return replace(
        news,
        lead=replace(news.lead, source=source),
        sections=tuple(
            replace(sec, briefs=tuple(replace(b, source=source) for b in sec.briefs)) for sec in news.sections
        ),
    )


__all__ = ["AUTO", "SOURCES", "News", "SourceKind", "SourceSpec", "kind_names", "read_source", "sniff"]
