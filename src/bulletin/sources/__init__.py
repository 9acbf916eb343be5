"""Sources: where news comes from, parsed into the :class:`~bulletin.model.Page` model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bulletin.model import Page
from bulletin.sources.encoding import read_text
from bulletin.sources.page import parse_page


def load_page(path: str | Path, at: datetime) -> Page:
    """Read and parse a saved news page file."""
    return parse_page(read_text(path), at, name=str(path))


__all__ = ["load_page", "parse_page", "read_text"]
