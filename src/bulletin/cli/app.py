"""The command group: our exceptions become one-line errors and exit codes (each
error class's ``exit_code``), signals stop a run cleanly, tracebacks only with --debug."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from bulletin import __version__
from bulletin.core.errors import EXIT_ERROR, BulletinError

EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug
DEBUG_ENV = "BULLETIN_DEBUG"
# A shell reports a process stopped by signal N as 128 + N: 130 for Ctrl-C, 143 for SIGTERM.
EXIT_SIGNAL_BASE = 128
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_stopped_by: int | None = None  # the signal that is stopping this run, once one came
log = logging.getLogger("bulletin")


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: unwind (temporary files go, nothing is cached) and exit."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    global _stopped_by
    _stopped_by = signum
    for each in STOP_SIGNALS:  # a second Ctrl-C must not cut the clean-up short
        signal.signal(each, signal.SIG_IGN)
    ffmpeg = sys.modules.get("bulletin.media.ffmpeg")
    if ffmpeg is not None:  # ffmpeg children stop now, not when their part is done
        ffmpeg.stop_all()
    raise Interrupted(signum)


def catch_signals() -> None:
    """SIGINT and SIGTERM unwind the run as an :class:`Interrupted`."""
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)


class OneLineUsageError(click.UsageError):
    """A command-line mistake as one line, like every other error, pointing at the help."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(original.format_message(), original.ctx)

    def show(self, file: Any = None) -> None:
        where = f" (see {self.ctx.command_path} --help)" if self.ctx is not None else ""
        click.echo(f"Error: {self.format_message().rstrip('.')}{where}", err=True)


def _check_utf8(args: list[str]) -> None:
    """Every argument is text bulletin can write into files and feeds: bytes that are not UTF-8 (a
    shell in a Latin-1 locale) arrive as lone surrogates, which would fail at the first write."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise click.UsageError(
                f"the argument {os.fsencode(arg)!r} is not valid UTF-8; use a UTF-8 terminal (LANG=C.UTF-8)"
            ) from None


class BulletinGroup(click.Group):
    """Turns our exceptions into one-line errors; tracebacks only with --debug."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            _check_utf8(args)
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # an unknown option before the command's name
            raise OneLineUsageError(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise OneLineUsageError(exc) from None
        except BulletinError as exc:
            if _debugging(ctx):
                raise
            _exit_if_stopping(ctx)
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt as exc:
            if _debugging(ctx):
                raise
            _exit_interrupted(ctx, exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
        except OSError as exc:  # the machine said no: a full disk, a read-only folder
            if _debugging(ctx):
                raise
            _exit_if_stopping(ctx)
            click.echo(f"Error: {_os_error_text(exc)}", err=True)
            ctx.exit(EXIT_ERROR)
        except Exception as exc:
            if _debugging(ctx):
                raise
            _exit_if_stopping(ctx)
            click.echo(f"Internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


def _os_error_text(exc: OSError) -> str:
    """What the machine said, in a sentence; a file standing where a folder must be made is named."""
    if isinstance(exc, FileExistsError | NotADirectoryError) and exc.filename:
        wanted = Path(exc.filename)
        blocker = next((p for p in [*reversed(wanted.parents), wanted] if p.is_file()), None)
        if blocker is not None:
            return f"cannot make the folder for {wanted}: {blocker} is a file, not a folder."
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}."


def _exit_if_stopping(ctx: click.Context) -> None:
    """Whatever stopping broke on its way out (an ffmpeg killed under a part), a run that
    was told to stop ends as interrupted."""
    if _stopped_by is not None:
        _exit_interrupted(ctx, _stopped_by)


def _exit_interrupted(ctx: click.Context, signum: int) -> NoReturn:
    click.echo(
        f"Error: interrupted ({signal.Signals(signum).name}); stopped without writing or caching anything unfinished.",
        err=True,
    )
    ctx.exit(EXIT_SIGNAL_BASE + signum)


def _debugging(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or os.environ.get(DEBUG_ENV) == "1"


def set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--debug: let tracebacks through."""
    if value:
        ctx.ensure_object(dict)["debug"] = True


def configure_logging(quiet: bool, verbose: int) -> None:
    """Messages on stderr as ``level: text``: errors only with -q, info with -v, debug with -vv."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


@click.group(cls=BulletinGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn a Dutch news page into a radio-style spoken news bulletin."""
    ctx.ensure_object(dict)
