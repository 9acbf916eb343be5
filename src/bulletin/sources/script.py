"""A bulletin script read back, as an editor left it: the JSON of
``bulletin script --format json`` or its plain text (``bulletin script``, the
``.txt`` beside every bulletin).

Segments are read in the order given, never reordered. Their text is as
written ("Keir Starmer", "12,5 mm"): the script comes back unprepared
(``Script.prepared`` is False) and each segment is prepared with its voice's
lexicons when the script is composed for the voices. A JSON segment's
``spoken`` (how it was read when the script was written) is information and
is ignored. A JSON script of version 1 held the spoken text in ``text`` (and
the written one in ``written``): it is built as it was, its text spoken as it
stands. The text form is::

    Nieuwsbulletin – vrijdag 27 november 2026, 08:15      <- the title
    at: 2026-11-27T08:15:00+01:00                          <- optional
    section: Buitenland                                    <- optional

    [1] INTRO: Opening                                     <- [n] KIND: title
    Goedemorgen, het is kwart over acht.                   <- the lines, as written

Any other line before the first segment (the length estimate) is ignored, as
are the numbers in the headers (the order in the file is the order read);
what follows a line of dashes is the list of left-out stories.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bulletin.core.errors import InputError
from bulletin.core.jsontext import loads
from bulletin.core.model import AT_YEARS, Dropped, Script, Segment, SegmentKind
from bulletin.core.plaintext import speakable
from bulletin.sources.encoding import decode, opening
from bulletin.sources.kind import SourceKind
from bulletin.text.scriptfile import (
    AT_FIELD,
    RULE,
    SCRIPT_FORMAT,
    SCRIPT_VERSION,
    SECTION_FIELD,
    SPOKEN_TEXT_VERSION,
)
from bulletin.text.sentences import first_words

log = logging.getLogger(__name__)

HEADER = re.compile(r"^\[(?P<number>\d+)\]\s*(?P<kind>[^\s:\]]+)\s*:\s*(?P<title>.*)$")
DROPPED_LINE = re.compile(r"^- (?P<kind>\w+): (?P<title>.*) \(~(?P<seconds>\d+(?:\.\d+)?) s\)$")
FIELD_LINE = re.compile(r"^(?P<field>\w+):\s*(?P<value>.*)$")
SNIFF_BYTES = 4096  # a text script's first segment header comes within this
# A line that starts like a segment header, colon or not: a file with one is a script, and a
# malformed one is an error, not a news page or a line of the segment before.
HEADER_START = re.compile(r"^\[\d+\]\s*[A-Za-z]+\b")
TEXT_HEADER_BYTES = re.compile(HEADER_START.pattern.encode(), re.MULTILINE)
AT_LINE_BYTES = re.compile(rb"\A\s*[^\n]+\n\s*at:\s*\d{4}-\d{2}-\d{2}")  # the title, then its at: line
# A segment's keys by the script's version: its text as written and how it was spoken (ignored
# on input), or (version 1) its spoken text and its written form.
SEGMENT_KEYS = {
    SCRIPT_VERSION: frozenset({"kind", "title", "place", "agencies", "published", "text", "spoken"}),
    SPOKEN_TEXT_VERSION: frozenset({"kind", "title", "place", "agencies", "published", "text", "written"}),
}
# The document's own keys, as `bulletin script --format json` writes them; any other is a typo.
DOCUMENT_KEYS = frozenset({"format", "version", "title", "at", "section", "segments", "dropped", "dropped_text"})
KINDS = ", ".join(k.value for k in SegmentKind)


@dataclass(frozen=True)
class _Draft:
    """One segment as written, before it is checked."""

    kind: Any
    text: Any
    title: Any
    place: Any
    agencies: Any
    published: Any
    where: Callable[[str], str]  # field -> where it is, for messages
    written: Any = None  # version 1: the text as a reader sees it (for transcripts); the spoken text if not given


class _Problem(Exception):
    """A mistake in the script; :func:`read` adds the file's name and raises InputError."""


def _json_document(data: bytes) -> Any:
    try:
        return loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def sniff(data: bytes, location: str) -> bool:
    """JSON marked as a script (or with segments and no lead), or text with segment headers."""
    if opening(data).startswith(b"{"):
        document = _json_document(data)
        return isinstance(document, dict) and (
            document.get("format") == SCRIPT_FORMAT or ("segments" in document and "lead" not in document)
        )
    head = data.lstrip(b"\xef\xbb\xbf")[:SNIFF_BYTES]
    return TEXT_HEADER_BYTES.search(head) is not None or AT_LINE_BYTES.match(head) is not None


def read(data: bytes, at: datetime, name: str) -> Script:
    """The script in ``data`` (JSON or text); ``at`` when it does not say when it is for."""
    try:
        if opening(data).startswith(b"{"):
            return _from_json(data, at, name)
        return _from_text(decode(data, name), at, name)
    except _Problem as problem:
        raise InputError(f"{name}: {problem}") from None


# --- checks shared by both forms ---------------------------------------------------


def _moment(value: Any, where: str, at: datetime) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Problem(f"{where}: {value!r} is not an ISO-8601 time such as 2026-11-27T08:15.") from None
    if not AT_YEARS[0] <= moment.year <= AT_YEARS[1]:
        raise _Problem(f"{where}: {value!r} is outside the years {AT_YEARS[0]} to {AT_YEARS[1]}.")
    return moment.replace(tzinfo=at.tzinfo) if moment.tzinfo is None else moment


def _optional_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Problem(f"{where}: must be text or null, got {value!r}.")
    return value.strip() or None


def _segment(draft: _Draft, at: datetime) -> Segment:
    try:
        kind = SegmentKind(str(draft.kind).strip().lower())
    except ValueError:
        raise _Problem(f"{draft.where('kind')}: {draft.kind!r} is not a kind; use one of {KINDS}.") from None
    if not isinstance(draft.text, str):
        raise _Problem(f"{draft.where('text')}: must be text, got {draft.text!r}.")
    lines = [line.strip() for line in draft.text.split("\n")]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise _Problem(f"{draft.where('text')}: empty; write what is to be read, or delete the segment.")
    if not speakable(text):
        raise _Problem(
            f"{draft.where('text')}: nothing to speak (no letter or digit); write what is to be read, "
            "or delete the segment."
        )
    agencies = draft.agencies if draft.agencies is not None else []
    if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
        raise _Problem(f"{draft.where('agencies')}: must be a list of names, got {agencies!r}.")
    return Segment(
        kind=kind,
        title=_optional_text(draft.title, draft.where("title")) or first_words(text),
        text=text,
        written=_written(draft, text),
        place=_optional_text(draft.place, draft.where("place")),
        agencies=tuple(agencies),
        published=_moment(draft.published, draft.where("published"), at),
    )


def _written(draft: _Draft, text: str) -> str:
    """The written form of the spoken ``text`` (for transcripts): as given, one paragraph for each
    spoken one; without it, the spoken text itself."""
    if draft.written is None:
        return text
    if not isinstance(draft.written, str):
        raise _Problem(f"{draft.where('written')}: must be text or null, got {draft.written!r}.")
    paragraphs = [line.strip() for line in draft.written.split("\n") if line.strip()]
    spoken = text.count("\n") + 1
    if len(paragraphs) != spoken:
        raise _Problem(
            f"{draft.where('written')}: {len(paragraphs)} paragraphs where text has {spoken}; write one for each "
            "spoken paragraph, or leave it out."
        )
    return "\n".join(paragraphs)


def _segments(drafts: Sequence[_Draft], at: datetime, name: str) -> tuple[Segment, ...]:
    """Every segment checked; intro first and outro last if there are any."""
    segments = tuple(_segment(d, at) for d in drafts)
    for index, (draft, segment) in enumerate(zip(drafts, segments, strict=True)):
        if segment.kind is SegmentKind.INTRO and index != 0:
            raise _Problem(
                f"{draft.where('kind')}: an intro opens the bulletin; move it to the top or make it a brief."
            )
        if segment.kind is SegmentKind.OUTRO and index != len(segments) - 1:
            raise _Problem(
                f"{draft.where('kind')}: an outro closes the bulletin; move it to the end or make it a brief."
            )
    if not any(s.kind.is_story for s in segments):
        raise _Problem("segments: no lead or brief; a bulletin needs at least one story.")
    if segments[0].kind is not SegmentKind.INTRO:
        log.warning("%s has no intro; the bulletin opens with its first story.", name)
    if segments[-1].kind is not SegmentKind.OUTRO:
        log.warning("%s has no outro; the bulletin ends without a sign-off.", name)
    return segments


# --- JSON --------------------------------------------------------------------------


def _dropped(items: Any, at: datetime) -> tuple[Dropped, ...]:
    if not isinstance(items, list):
        raise _Problem(f"dropped: must be a list, got {items!r}.")
    out = []
    for index, item in enumerate(items):
        where = f"dropped[{index}]"
        if not isinstance(item, dict):
            raise _Problem(f"{where}: must be an object with kind and title.")
        seconds = item.get("estimated_seconds", 0.0)
        if not isinstance(seconds, int | float):
            raise _Problem(f"{where}.estimated_seconds: must be a number, got {seconds!r}.")
        out.append(
            Dropped(
                str(item.get("kind", "brief")),
                str(item.get("title", "")),
                _optional_text(item.get("place"), f"{where}.place"),
                _moment(item.get("published"), f"{where}.published", at),
                float(seconds),
            )
        )
    return tuple(out)


def _json_draft(index: int, item: Any, version: int) -> _Draft:
    def where(field: str) -> str:
        return f"segments[{index}].{field}"

    if not isinstance(item, dict):
        raise _Problem(f"segments[{index}]: must be an object with kind and text.")
    keys = SEGMENT_KEYS[version]
    unknown = sorted(set(item) - keys)
    if unknown:
        raise _Problem(f"{where(unknown[0])}: unknown key; a segment has {', '.join(sorted(keys))}.")
    for required in ("kind", "text"):
        if required not in item:
            raise _Problem(f"{where(required)}: missing.")
    return _Draft(
        item["kind"],
        item["text"],
        item.get("title"),
        item.get("place"),
        item.get("agencies"),
        item.get("published"),
        where,
        item.get("written"),
    )


def _from_json(data: bytes, at: datetime, name: str) -> Script:
    document = _json_document(data)
    if not isinstance(document, dict):
        raise _Problem("not a valid JSON object; check it with a JSON validator.")
    if document.get("format") != SCRIPT_FORMAT:
        raise _Problem(
            f"format: {document.get('format')!r}, expected {SCRIPT_FORMAT!r} (as `bulletin script "
            f"--format json` writes it)."
        )
    unknown = sorted(set(document) - DOCUMENT_KEYS)
    if unknown:
        raise _Problem(f"{unknown[0]}: unknown key; a script has {', '.join(sorted(DOCUMENT_KEYS))}.")
    version = document.get("version")
    if isinstance(version, bool) or version not in SEGMENT_KEYS:  # true == 1 in Python, not in the format
        readable = " or ".join(str(v) for v in sorted(SEGMENT_KEYS, reverse=True))
        raise _Problem(
            f"version: {version!r} is not one this bulletin reads ({readable}); "
            f"make the script again with `bulletin script --format json`."
        )
    title = _optional_text(document.get("title"), "title")
    if not title:
        raise _Problem("title: missing; give the bulletin a title.")
    items = document.get("segments")
    if not isinstance(items, list) or not items:
        raise _Problem("segments: must be a list of segments, at least one story.")
    moment = _moment(document.get("at"), "at", at) or at
    return Script(
        title=title,
        at=moment,
        segments=_segments([_json_draft(i, item, version) for i, item in enumerate(items)], moment, name),
        section=_optional_text(document.get("section"), "section"),
        dropped=_dropped(document.get("dropped", []), moment),
        prepared=version == SPOKEN_TEXT_VERSION,  # version 1 holds the spoken text; 2 the written
    )


# --- text --------------------------------------------------------------------------


def _text_dropped(lines: Sequence[str]) -> tuple[Dropped, ...]:
    found = (DROPPED_LINE.match(line) for line in lines)
    return tuple(Dropped(m["kind"], m["title"], None, None, float(m["seconds"])) for m in found if m)


def _from_text(text: str, at: datetime, name: str) -> Script:
    lines = [line.strip() for line in text.split("\n")]
    rule = lines.index(RULE) if RULE in lines else len(lines)
    body, tail = lines[:rule], lines[rule + 1 :]
    for number, line in enumerate(body):
        if HEADER_START.match(line) and not HEADER.match(line):
            raise _Problem(
                f"line {number + 1}: {line!r} is not a segment header; write [n] KIND: title (with the colon)."
            )
    headers = [(number, m) for number, line in enumerate(body) if (m := HEADER.match(line))]
    preamble = [line for line in body[: headers[0][0] if headers else len(body)] if line]
    if not preamble:
        raise _Problem("line 1: the first line is the bulletin's title, then the segments ([1] INTRO: Opening).")
    if not headers:
        raise _Problem("no segments: each starts with a line [n] KIND: title, then the lines to read.")
    fields = {m["field"]: m["value"].strip() for line in preamble[1:] if (m := FIELD_LINE.match(line))}
    moment = _moment(fields.get(AT_FIELD), AT_FIELD, at) or at
    drafts = []
    for (start, header), end in zip(headers, [n for n, _ in headers[1:]] + [len(body)], strict=True):

        def where(field: str, line: int = start + 1, label: str = f"[{header['number']}] {header['kind']}") -> str:
            return f"line {line} ({label}) {field}"

        drafts.append(
            _Draft(header["kind"], "\n".join(body[start + 1 : end]), header["title"], None, None, None, where)
        )
    return Script(
        title=preamble[0],
        at=moment,
        segments=_segments(drafts, moment, name),
        section=fields.get(SECTION_FIELD) or None,
        dropped=_text_dropped(tail),
        prepared=False,  # the text as written (an old file's spoken text reads the same prepared again)
    )


KIND = SourceKind(
    "script",
    "a bulletin script (the JSON or text of `bulletin script`), read as written",
    sniff,
    read,
    json_shape=f'a bulletin script ({{"format": "{SCRIPT_FORMAT}", "segments": [...]}})',
)
