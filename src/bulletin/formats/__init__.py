"""The output formats, in one registry: what the rest of the pipeline (outputs,
feeds, the preview server, ``inspect``) needs to know about a file, and each
format's encoder, tag writer and reader.

A new format is one module with a :class:`~bulletin.formats.base.Format` and
one line in ``FORMATS`` (or an entry point in the ``bulletin.formats`` group
of another package); its settings are a section of ``bulletin.toml`` named
after it.
"""

from __future__ import annotations

from bulletin.core.registry import Registry
from bulletin.formats.base import Format

FORMATS: Registry[Format] = Registry(
    "audio format",
    "bulletin.formats",
    {
        "mp3": "bulletin.formats.mp3:FORMAT",
        "wav": "bulletin.formats.wav:FORMAT",
        "m4a": "bulletin.formats.m4a:FORMAT",
    },
    lambda entry: isinstance(entry, Format),
)


def by_suffix() -> dict[str, Format]:
    """Every format by its file suffix (``.mp3``), for naming and serving files."""
    return {f.suffix: f for f in FORMATS}


__all__ = ["FORMATS", "Format", "by_suffix"]
