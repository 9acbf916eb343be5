"""What the commands share: parameter types, option decorators, the progress bar and
loading the configuration with the options over it."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bulletin.cli.app import configure_logging, set_debug
from bulletin.core.model import AT_YEARS

if TYPE_CHECKING:
    from bulletin.config import Config

F = TypeVar("F", bound=Callable[..., Any])
LABEL_CHARS = 40  # of a segment's title beside the progress bar


class IsoDateTime(click.ParamType):
    """An ISO-8601 moment such as 2026-11-27T08:15 or 2026-11-27T07:15:00Z."""

    name = "ISO-8601"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 time such as 2026-11-27T08:15", param, ctx)
        if not AT_YEARS[0] <= moment.year <= AT_YEARS[1]:  # dates far out overflow date arithmetic
            self.fail(f"{value!r} is outside the years {AT_YEARS[0]} to {AT_YEARS[1]}", param, ctx)
        return moment


class FiniteFloatRange(click.FloatRange):
    """A FloatRange without nan and inf, which would compare as no limit at all."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class RegistryChoice(click.Choice):
    """A choice among a registry's names, read when the option is used or shown, so
    importing the command line loads no registry (nor any plugin)."""

    def __init__(self, names: Callable[[], list[str]]) -> None:
        self._names = names
        super().__init__([])

    @property
    def choices(self) -> Sequence[str]:
        return self._names()

    @choices.setter
    def choices(self, _value: Any) -> None:
        """click sets the choices it was given (none): ours come from the registry."""


class RegistryOption(click.Option):
    """An option among a registry's entries whose help lists them with their descriptions
    (read when the help is shown)."""

    def __init__(self, *args: Any, entries: Callable[[], list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        listed = "; ".join(f"{name}: {description}" for name, description in self.entries())
        return record[0], f"{record[1]} {listed}."


class SourcesCommand(click.Command):
    """A command that reads a PAGE: its help ends with the kinds of source it takes."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from bulletin.sources import SOURCES

        formatter.write_paragraph()
        formatter.write_text(
            "PAGE is a file or an http(s) URL holding "
            + "; or ".join(f"{kind.description} ({kind.name})" for kind in SOURCES)
            + "."
        )
        super().format_epilog(ctx, formatter)


def engine_entries() -> list[tuple[str, str]]:
    """``auto`` and every engine, with what it is."""
    from bulletin.tts import ENGINES

    return [
        ("auto", "the configured voices, else their fallback"),
        *((engine.name, engine.description) for engine in ENGINES),
    ]


def format_entries() -> list[tuple[str, str]]:
    """Every audio format, with what it is."""
    from bulletin.formats import FORMATS

    return [(f.name, f.description) for f in FORMATS]


def profile_entries() -> list[tuple[str, str]]:
    """Every loudness profile, with what it is."""
    from bulletin.audio.profiles import PROFILES

    return [(p.name, p.description) for p in PROFILES]


def engine_choices() -> list[str]:
    """``auto`` and every engine's name."""
    from bulletin.casting.cast import AUTO
    from bulletin.tts import ENGINES

    return [AUTO, *ENGINES.names()]


def format_choices() -> list[str]:
    """Every audio format's name."""
    from bulletin.formats import FORMATS

    return FORMATS.names()


def profile_choices() -> list[str]:
    """Every loudness profile's name."""
    from bulletin.audio.profiles import PROFILES

    return PROFILES.names()


def common_options(func: F) -> F:
    """--config, -q, -v and --debug, for every command."""
    func = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=set_debug,
        help="Show tracebacks for errors.",
    )(func)
    func = click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Only errors; build prints just the file's path.")(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(readable=False, path_type=Path),
        help="Configuration file (default: ./bulletin.toml if present).",
    )(func)
    return func


def engine_option(func: F) -> F:
    """--engine: auto or one engine."""
    return click.option(
        "--engine",
        type=RegistryChoice(engine_choices),
        cls=RegistryOption,
        entries=engine_entries,
        help="Who speaks (default: auto); an engine's name: only that engine, strictly.",
    )(func)


def script_options(func: F) -> F:
    """PAGE, --at, --max-duration, --engine and --voice, shared by build and script."""
    func = click.option(
        "--voice", metavar="NAME", help="Voice profile for anchor and newsreader (see `bulletin voices`)."
    )(func)
    func = engine_option(func)
    func = click.option(
        "--max-duration",
        type=FiniteFloatRange(min=1),
        metavar="SECONDS",
        help="Drop the oldest briefs until the estimated length fits.",
    )(func)
    func = click.option(
        "--at",
        type=IsoDateTime(),
        metavar="ISO-8601",
        help="The bulletin's time (default: now, in the show's time zone).",
    )(func)
    return click.argument("page", metavar="PAGE")(func)  # a file or an http(s) URL


def output_dir_option(what: str = "The output folder") -> Callable[[F], F]:
    """-o/--output-dir, for every command that works on the output folder."""
    return click.option(
        "-o",
        "--output-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"{what} (default: output/).",
    )


def output_override(output_dir: Path | None) -> dict[str, str | None]:
    """-o as the configuration key it overrides."""
    return {"output.dir": str(output_dir) if output_dir else None}


def base_url_option(func: F) -> F:
    """--base-url, for every command that publishes."""
    return click.option(
        "--base-url", metavar="URL", help="Where the output folder is served (overrides [publish] base_url)."
    )(func)


def target_options(*profile_flags: str) -> Callable[[F], F]:
    """--to and the AWS profile flags, for every command that publishes."""

    def decorate(func: F) -> F:
        func = click.option(
            *profile_flags,
            "aws_profile",
            metavar="NAME",
            help="AWS profile for the bucket (overrides [publish] aws_profile).",
        )(func)
        return click.option(
            "--to",
            "target",
            metavar="s3://BUCKET/PREFIX/",
            help="Also copy the published folder to this bucket (overrides [publish] target).",
        )(func)

    return decorate


def publish_overrides(base_url: str | None, target: str | None, aws_profile: str | None) -> dict[str, Any]:
    """The publishing options as configuration overrides."""
    return {"publish.base_url": base_url, "publish.target": target, "publish.aws_profile": aws_profile}


def voice_overrides(engine: str | None, voice: str | None) -> dict[str, Any]:
    """--engine and --voice as configuration overrides (--voice: anchor and newsreader)."""
    return {"voice.engine": engine, "voice.anchor": voice, "voice.newsreader": voice}


def load(config_path: Path | None, quiet: bool, verbose: int, **overrides: Any) -> Config:
    """Logging set as asked, and the configuration with the options over it."""
    from bulletin.config import load_config

    configure_logging(quiet, verbose)
    return load_config(config_path, overrides)


@contextmanager
def progress_bar(enabled: bool, label: str) -> Iterator[Callable[..., None] | None]:
    """A progress bar on stderr when it is a terminal: ``update(done, total[, item])``."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int, item: str | None = None) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(
                length=total, label=label, file=sys.stderr, item_show_func=lambda shown: shown
            ).__enter__()
        bar.update(done - bar.pos, item[:LABEL_CHARS] if item else None)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
