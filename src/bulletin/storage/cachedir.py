"""The cache folder's layout: where each store lives under it, and where it is by default."""

from __future__ import annotations

from pathlib import Path

from bulletin.core.paths import APP_NAME

SEGMENTS, PARTS, HTTP, CALIBRATION, VERDICTS, COVERS = (
    "segments",
    "parts",
    "http",
    "calibration.json",
    "verdicts",
    "covers",
)
DEPTH = 2  # CACHE/<store>/<fan-out>/: where killed runs leave temporary files


def default_root() -> Path:
    """``$XDG_CACHE_HOME/bulletin`` (or the platform's equivalent)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))
