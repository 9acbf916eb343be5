"""The commands that look after what bulletin keeps: voices and the cache."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bulletin.cli.app import cli, configure_logging
from bulletin.cli.options import FiniteFloatRange, common_options, load, progress_bar

BYTES_PER_MB = 1e6
DATE = "%Y-%m-%d"


@cli.group(invoke_without_command=True)
@common_options
@click.pass_context
def voices(ctx: click.Context, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """List the voice profiles: engine, language, online or offline, and whether each can run here."""
    if ctx.invoked_subcommand is not None:
        return
    from bulletin.casting.listing import voice_rows
    from bulletin.config.stages import voice_choice

    for row in voice_rows(voice_choice(load(config_path, quiet, verbose))):
        roles = f" [{', '.join(row.roles)}]" if row.roles else ""
        where = {True: "online", False: "offline", None: "?"}[row.online]
        click.echo(f"{row.name}{roles}: {row.description} ({row.engine}, {row.language}, {where}) - {row.status}")


@voices.command("download")
@click.argument("name")
@click.option(
    "--from",
    "base",
    metavar="URL",
    help="A mirror laid out like Piper's voice repository (default: [piper] catalogue).",
)
@common_options
def voices_download(name: str, base: str | None, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Download, verify and install the Piper voice NAME (like nl_NL-mls-medium)."""
    from bulletin.config.stages import engine_section
    from bulletin.tts.piper_store import download

    config = load(config_path, quiet, verbose)
    with progress_bar(not quiet, f"Downloading {name}") as progress:
        voice = download(name, base or engine_section(config, "piper").catalogue, progress=progress)
    click.echo(f"installed {voice.name} as voice {voice.profile} ({voice.model})")


@voices.command("add")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="The voice's name (default: the model's file name without .onnx).")
@common_options
def voices_add(model: Path, name: str | None, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Install a Piper MODEL.onnx you already have (its MODEL.onnx.json beside it)."""
    from bulletin.tts.piper_store import add

    configure_logging(quiet, verbose)
    voice = add(model, name)
    click.echo(f"installed {voice.name} as voice {voice.profile} ({voice.model})")


@cli.group()
def cache() -> None:
    """The cache of synthesised segments, rendered parts, measurements and covers."""


@cache.command("info")
@common_options
def cache_info(config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Where the cache is, what it holds and how big it is."""
    from bulletin.build.caches import report
    from bulletin.config.stages import cache_location

    root = cache_location(load(config_path, quiet, verbose))
    click.echo(f"{root}")
    for name, info in report(root).items():
        line = f"{name}: {info.entries} entries, {info.total_bytes / BYTES_PER_MB:.1f} MB"
        if info.oldest is not None and info.newest is not None:
            line += (
                f", last used between {time.strftime(DATE, time.localtime(info.oldest))} "
                f"and {time.strftime(DATE, time.localtime(info.newest))}"
            )
        click.echo(line)


@cache.command("prune")
@click.option(
    "--older-than",
    "older_than",
    type=FiniteFloatRange(min=0),
    metavar="DAYS",
    help="Remove what was not used for this many days (default: [daily] keep_cache_days).",
)
@click.option(
    "--max-size",
    type=FiniteFloatRange(min=0),
    metavar="MB",
    help="Then remove the least recently used until the cache fits.",
)
@click.option("--all", "everything", is_flag=True, help="Empty the cache.")
@common_options
def cache_prune(
    older_than: float | None,
    max_size: float | None,
    everything: bool,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Remove what has not been used for a while from the cache."""
    from bulletin.build.caches import prune
    from bulletin.config.stages import cache_location

    config = load(config_path, quiet, verbose)
    days = 0.0 if everything else (config.settings.daily.keep_cache_days if older_than is None else older_than)
    for pruned in prune(cache_location(config), days, max_size):
        click.echo(f"{pruned.store}: removed {pruned.entries} entries, {pruned.bytes / BYTES_PER_MB:.1f} MB")
