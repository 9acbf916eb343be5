"""One error hierarchy for the whole pipeline.

Stages raise these; only the CLI turns them into messages and exit codes.
Messages are one line and say what to do next.
"""

from __future__ import annotations


class BulletinError(Exception):
    """Base class: something the user can fix; the message says how."""


class InputError(BulletinError):
    """The news page (or another input file) cannot be used."""


class ConfigError(BulletinError):
    """A configuration file, voice profile or lexicon is invalid."""


class ScriptError(BulletinError):
    """The radio script cannot be assembled as asked."""


class EngineError(BulletinError):
    """A speech engine is unavailable or failed."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(f"{reason} {hint}".strip())
        self.reason = reason
        self.hint = hint


class AudioError(BulletinError):
    """Audio processing, encoding or tagging failed."""


class QAError(AudioError):
    """The finished audio misses its loudness profile."""


class SourceError(InputError):
    """A news source could not be fetched or read."""


class PublishError(BulletinError):
    """The published files could not be copied to their host (an S3 bucket)."""


class LockedError(BulletinError):
    """Another run holds the output folder's lock."""
