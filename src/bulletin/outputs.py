"""The files a build writes, and their names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from bulletin.publish.episode import MANIFEST_SUFFIX

ALEXA_SUFFIX = ".alexa.mp3"


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
    """The files a build writes, all beside the MP3."""

    mp3: Path
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
    def at(cls, stem: Path) -> Outputs:
        """The file names for ``stem``."""
        suffixes = (".mp3", ".txt", ".json", ".vtt", ".srt", ".chapters.json", ".qa.json", ".jpg",
                    MANIFEST_SUFFIX, ALEXA_SUFFIX)
        return cls(*(stem.with_name(stem.name + s) for s in suffixes))

    def all(self) -> list[Path]:
        """Every file, in field order."""
        return [getattr(self, f.name) for f in fields(self)]
