"""What a source kind is: an entry in :data:`bulletin.sources.SOURCES`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bulletin.core.model import Page, Script
from bulletin.core.registry import Needs

News = Page | Script  # what a source holds: news to write a script from, or a script to read as written


@dataclass(frozen=True)
class SourceKind:
    """A kind of source: how to recognise it and how to read it."""

    name: str
    description: str
    # Does ``data`` (from ``location``, a path or URL) look like this kind? For ``kind = "auto"``.
    sniff: Callable[[bytes, str], bool]
    # The news in ``data``; ``at`` for times the source leaves open; ``name`` in messages.
    # Malformed data is an InputError naming the file.
    read: Callable[[bytes, datetime, str], News]
    needs: Needs = Needs()
    catch_all: bool = False  # takes whatever no other kind recognises (asked last by ``auto``)
    # For a kind read from JSON: what its documents look like, named to the user when a JSON
    # file is none of the shapes bulletin reads.
    json_shape: str = ""
