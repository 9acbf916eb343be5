"""The files a build writes, and their names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path

from bulletin.audio.formats import Format
from bulletin.publish.episode import MANIFEST_SUFFIX

ALEXA_SUFFIX = ".alexa.mp3"
SIDECAR_SUFFIXES = {"script_text": ".txt", "script_json": ".json", "webvtt": ".vtt", "srt": ".srt",
                    "chapters": ".chapters.json", "qa": ".qa.json", "cover": ".jpg", "episode": MANIFEST_SUFFIX,
                    "alexa": ALEXA_SUFFIX}


def slug(text: str) -> str:
    """ASCII file-name form: "Nieuwsbulletin Buitenland" -> "nieuwsbulletin-buitenland"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "bulletin"


def output_stem(out_dir: Path, at: datetime, section: str | None, show: str) -> Path:
    """``DIR/YYYY-MM-DD/<show>-<section>-HHMM`` (without suffix)."""
    name = slug(f"{show} {section or ''}")
    return out_dir / f"{at:%Y-%m-%d}" / f"{name}-{at:%H%M}"


@dataclass(frozen=True)
class Outputs:
    """The files a build writes, all beside the bulletin's audio file."""

    audio: Path  # the bulletin, in its format (.mp3, .wav)
    script_text: Path
    script_json: Path
    webvtt: Path
    srt: Path
    chapters: Path
    qa: Path
    cover: Path
    episode: Path
    alexa: Path

    @classmethod
    def at(cls, stem: Path, audio: Format) -> Outputs:
        """The file names for ``stem``, the bulletin itself in the ``audio`` format."""
        suffixes = {"audio": audio.suffix, **SIDECAR_SUFFIXES}
        return cls(**{name: stem.with_name(stem.name + suffix) for name, suffix in suffixes.items()})

    def by_name(self) -> dict[str, Path]:
        """Every file, by its name here."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def moved(self, paths: Mapping[str, Path]) -> Outputs:
        """The same outputs with the files named in ``paths`` elsewhere (e.g. at their temporary names)."""
        return replace(self, **paths)
