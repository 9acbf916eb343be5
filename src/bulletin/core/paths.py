"""Where the data shipped with bulletin lives."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "bulletin"  # the name of the user's cache and data folders
PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # src/bulletin, or bulletin/ in a wheel


def builtin_voices_dir() -> Path:
    """The voice profiles and lexicons shipped with bulletin: inside an installed wheel,
    else the repository's ``voices/``."""
    packaged = PACKAGE_ROOT / "voices"
    return packaged if packaged.is_dir() else PACKAGE_ROOT.parents[1] / "voices"
