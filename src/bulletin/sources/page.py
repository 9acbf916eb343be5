"""Parse a saved news page (plain text) into a :class:`~bulletin.core.model.Page`.

The format, as scraped from a Dutch news site::

    Headline of the lead story
    MOSKOU (ANP/AFP) - First paragraph of the lead ...
    More paragraphs ...
    Meer uit Buitenland
    OSLO (ANP) - A brief on one line ...
    10 minuten geledenSTRAATSBURG (ANP) - The next brief ...
    2 uur geleden

A relative time label belongs to the item *before* it: scraping glues it to
the start of the next line, or leaves it alone on the last line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bulletin.core.errors import InputError
from bulletin.core.model import Page, Section, Story
from bulletin.sources.encoding import decode
from bulletin.sources.kind import SourceKind
from bulletin.sources.places import case_place
from bulletin.sources.timelabels import match_label, resolve_label

DATELINE = re.compile(
    r"""^(?P<place>[^()\n]{2,60}?)
        (?:\s*\((?P<agencies>[^()\n]{1,60})\))?
        \s+[-–—]\s+""",
    re.VERBOSE,
)
# Greedy to the end of the (stripped) line: a lazy ".*?" before "\s*$" retries the whole
# rest of the line at every space of a long run, and a scraped page can hold a million.
SECTION_MARKER = re.compile(r"^Meer uit\s+(?P<section>\S.*)$")


@dataclass(frozen=True)
class Dateline:
    """``MOSKOU (ANP/AFP) - `` split into its parts."""

    place: str
    agencies: tuple[str, ...]
    length: int  # characters it takes at the start of the line


def parse_dateline(line: str) -> Dateline | None:
    """The dateline at the start of ``line``, if it has one."""
    m = DATELINE.match(line)
    if m is None:
        return None
    place = m.group("place").strip()
    # A place in a dateline is written in capitals; ordinary text is not.
    if place != place.upper() or sum(ch.isalpha() for ch in place) < 2:
        return None
    agencies = tuple(a.strip() for a in (m.group("agencies") or "").split("/") if a.strip())
    return Dateline(place=case_place(place), agencies=agencies, length=m.end())


@dataclass
class _Draft:
    headline: str | None = None
    dateline: Dateline | None = None
    paragraphs: list[str] = field(default_factory=list)
    label: str | None = None

    def add_paragraph(self, line: str) -> None:
        if not self.paragraphs and self.dateline is None:
            self.dateline = parse_dateline(line)
            if self.dateline is not None:
                line = line[self.dateline.length :].strip()
        if line:
            self.paragraphs.append(line)

    def finish(self, at: datetime) -> Story:
        return Story(
            headline=self.headline,
            place=self.dateline.place if self.dateline else None,
            agencies=self.dateline.agencies if self.dateline else (),
            paragraphs=tuple(self.paragraphs),
            published=resolve_label(self.label, at) if self.label else None,
        )


def _split_label(line: str) -> tuple[str | None, str]:
    """Split a glued time label off the start of a line.

    Only a label followed by nothing, a dateline or the section marker counts:
    a paragraph that opens with "Net als ..." or "14.05 uur" keeps its words.
    """
    m = match_label(line)
    if m is None:
        return None, line
    rest = line[m.end() :].lstrip()
    if rest and parse_dateline(rest) is None and SECTION_MARKER.match(rest) is None:
        return None, line
    return m.group(0), rest


def parse_page(text: str, at: datetime, name: str = "page") -> Page:
    """Parse page text; ``at`` (timezone-aware) anchors the relative time labels."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError(f"{name} is empty: expected a headline and a story.")

    section: str | None = None
    drafts: list[_Draft] = []
    in_briefs = False
    for line in lines:
        label, line = _split_label(line)
        if label is not None and drafts and drafts[-1].label is None:
            drafts[-1].label = label
        if not line:
            continue
        marker = SECTION_MARKER.match(line)
        if marker is not None:
            section, in_briefs = marker.group("section").rstrip(), True
            continue
        if not drafts:
            lead = _Draft()
            if parse_dateline(line) is None:
                lead.headline = line
            else:
                lead.add_paragraph(line)
            drafts.append(lead)
        elif not in_briefs:
            drafts[0].add_paragraph(line)
        else:
            brief = _Draft()
            brief.add_paragraph(line)
            drafts.append(brief)

    if not drafts:
        raise InputError(f"{name} holds no story, only section markers or time labels.")
    top, *briefs = (draft.finish(at) for draft in drafts)
    if not top.paragraphs:
        what = f"headline {top.headline!r}" if top.headline else "lead story"
        raise InputError(f"{name}: the {what} has no story text under it.")
    kept = tuple(b for b in briefs if b.paragraphs)
    return Page(lead=top, sections=(Section(kept, section),) if kept or section else ())


def sniff(data: bytes, location: str) -> bool:
    """Any text may be a saved page: the kind tried last."""
    return True


def read(data: bytes, at: datetime, name: str) -> Page:
    """A saved page's bytes, decoded and parsed."""
    return parse_page(decode(data, name), at, name=name)


KIND = SourceKind("page", "a saved news page: a lead, then briefs with datelines", sniff, read, catch_all=True)
