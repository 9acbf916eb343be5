"""The ``bulletin`` command: thin wrappers that parse options and call the library.

Commands import what they use when they run, so ``bulletin --help`` loads no
engine, no audio code and no registry.
"""

from __future__ import annotations

from bulletin.cli import commands, manage  # noqa: F401  (they add their commands to the group)
from bulletin.cli.app import catch_signals, cli


def main() -> None:
    """Console-script entry point."""
    catch_signals()
    cli(prog_name="bulletin")


__all__ = ["cli", "main"]
