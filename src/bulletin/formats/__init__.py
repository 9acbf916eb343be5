"""The output formats by name: what the rest of the pipeline (outputs, feeds,
the preview server) needs to know about a file without loading any audio code.

The encoders themselves live in :mod:`bulletin.formats.mp3` and
:mod:`bulletin.formats.wav`, behind :class:`bulletin.formats.base.Encoder`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.errors import ConfigError


@dataclass(frozen=True)
class Format:
    """A file format a bulletin can be written in."""

    name: str
    suffix: str  # of the file, with the dot
    media_type: str  # MIME type, for feeds and HTTP
    description: str


MP3 = "mp3"
WAV = "wav"
FORMATS = {
    MP3: Format(MP3, ".mp3", "audio/mpeg", "MP3 (CBR), ID3v2.3 tags and chapters: podcasts"),
    WAV: Format(WAV, ".wav", "audio/wav", "Broadcast WAV (EBU Tech 3285), 48 kHz PCM, cue points: radio playout"),
}


def get_format(name: str) -> Format:
    """The format called ``name``."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ConfigError(f"unknown audio format {name!r}; choose one of: {', '.join(FORMATS)}.") from None
