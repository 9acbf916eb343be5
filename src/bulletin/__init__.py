"""bulletin: a Dutch news page in, a radio-style spoken news bulletin out."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bulletin")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"
