"""The JSON bulletin format, for other programs to hand bulletin the news.

    {
      "section": "Binnenland",
      "lead": {"headline": "...", "place": "DEN HAAG", "agencies": ["ANP"],
               "paragraphs": ["...", "..."], "published": "2026-11-27T07:45:00+01:00"},
      "briefs": [{"place": "UTRECHT", "text": "...", "published": "..."}]
    }

Every story needs "paragraphs" (a list) or "text" (one string; blank lines
or newlines separate paragraphs); the rest is optional. Places may be written
in capitals, as in a dateline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bulletin.core.errors import InputError
from bulletin.core.jsontext import loads
from bulletin.core.model import Page, Section, Story
from bulletin.sources.encoding import opening, path_part
from bulletin.sources.kind import SourceKind
from bulletin.sources.places import case_place

BULLETIN_KEYS = frozenset({"briefs", "section"})  # a document with these means to be a JSON bulletin


def _text_field(data: dict[str, Any], key: str, where: str, name: str) -> str | None:
    """An optional string field; anything else is a mistake to name."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name}: {where}.{key} must be text, got {value!r}.")
    return value.strip() or None


def _story(data: Any, where: str, name: str, zone: Any) -> Story:
    if not isinstance(data, dict):
        raise InputError(f"{name}: {where} must be an object with text.")
    paragraphs = data.get("paragraphs")
    if paragraphs is None:
        text = _text_field(data, "text", where, name)
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()] if text else []
    if not isinstance(paragraphs, list) or not paragraphs:
        raise InputError(f'{name}: {where} needs "text" or a list of "paragraphs".')
    for index, paragraph in enumerate(paragraphs):
        if not isinstance(paragraph, str):
            raise InputError(f"{name}: {where}.paragraphs[{index}] must be text, got {paragraph!r}.")
    published = _text_field(data, "published", where, name)
    try:
        moment = datetime.fromisoformat(published) if published else None
    except ValueError:
        raise InputError(f"{name}: {where}.published {published!r} is not an ISO-8601 time.") from None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    agencies = data.get("agencies", [])
    if isinstance(agencies, str):
        agencies = [agencies]
    if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
        raise InputError(f"{name}: {where}.agencies must be a list of names, got {agencies!r}.")
    place = _text_field(data, "place", where, name)
    return Story(
        paragraphs=tuple(paragraphs),
        headline=_text_field(data, "headline", where, name),
        place=case_place(place) if place else None,
        agencies=tuple(agencies),
        published=moment,
    )


def _not_a_bulletin(document: Any, name: str) -> str:
    """What to say of JSON without a lead: a bulletin missing it, or JSON of no shape bulletin
    reads (its shapes named from the registry, a plugin's too)."""
    if isinstance(document, dict) and BULLETIN_KEYS & set(document):
        return f'{name}: a JSON bulletin needs a "lead" object (see the README).'
    from bulletin.sources import SOURCES

    shapes = [kind.json_shape for kind in SOURCES if kind.json_shape]
    listed = ", ".join(shapes[:-1]) + f" or {shapes[-1]}" if len(shapes) > 1 else "".join(shapes)
    return f"{name}: this JSON is none of the shapes bulletin reads: {listed}."


def parse_bulletin_json(data: bytes, at: datetime, name: str) -> Page:
    """A page from the JSON bulletin format."""
    try:
        document = loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{name}: not valid JSON ({exc}).") from None
    if not isinstance(document, dict) or "lead" not in document:
        raise InputError(_not_a_bulletin(document, name))
    lead = _story(document["lead"], "lead", name, at.tzinfo)
    briefs = document.get("briefs", [])
    if not isinstance(briefs, list):
        raise InputError(f'{name}: "briefs" must be a list.')
    stories = tuple(_story(b, f"briefs[{i}]", name, at.tzinfo) for i, b in enumerate(briefs))
    section = document.get("section")
    if section is not None and not isinstance(section, str):
        raise InputError(f"{name}: section must be text, got {section!r}.")
    section = (section or "").strip() or None
    return Page(lead=lead, sections=(Section(stories, section),) if stories or section else ())


def sniff(data: bytes, location: str) -> bool:
    """A ``.json`` file, or data that opens like JSON."""
    return path_part(location).endswith(".json") or opening(data).startswith((b"{", b"["))


read = parse_bulletin_json


KIND = SourceKind(
    "json",
    "a JSON bulletin: a lead and briefs, for other programs",
    sniff,
    read,
    json_shape='a JSON bulletin ({"lead": {"headline": ..., "text": ...}, "briefs": [...]})',
)
