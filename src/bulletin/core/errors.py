"""One error hierarchy for the whole pipeline.

Stages raise these; only the command line turns them into messages and exit
codes (each class's ``exit_code``). Messages are one line and say what to do next.
"""

from __future__ import annotations

from typing import ClassVar

EXIT_ERROR = 1
EXIT_ENGINE = 3
EXIT_NO_SOURCE = 4
EXIT_QA = 5
EXIT_PUBLISH = 6
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later


class BulletinError(Exception):
    """Base class: something the user can fix; the message says how."""

    exit_code: ClassVar[int] = EXIT_ERROR


class InputError(BulletinError):
    """The news page (or another input file) cannot be used."""


class ConfigError(BulletinError):
    """A configuration file, voice profile or lexicon is invalid."""


class OptionError(ConfigError):
    """An impossible engine option; ``key`` lets the caller say in which file and line it is set."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class ScriptError(BulletinError):
    """The radio script cannot be assembled as asked."""


class EngineError(BulletinError):
    """A speech engine is unavailable or failed."""

    exit_code: ClassVar[int] = EXIT_ENGINE

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(f"{reason} {hint}".strip())
        self.reason = reason
        self.hint = hint


class AudioError(BulletinError):
    """Audio processing, encoding or tagging failed."""


class QAError(AudioError):
    """The finished audio misses its loudness profile."""

    exit_code: ClassVar[int] = EXIT_QA


class SourceError(InputError):
    """A news source could not be fetched or read."""

    exit_code: ClassVar[int] = EXIT_NO_SOURCE


class PublishError(BulletinError):
    """The published files could not be copied to their host (an S3 bucket)."""

    exit_code: ClassVar[int] = EXIT_PUBLISH


class LockedError(BulletinError):
    """Another run holds the lock on what this one would write."""

    exit_code: ClassVar[int] = EXIT_LOCKED
