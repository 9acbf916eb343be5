"""The ``bulletin`` command: thin wrappers that parse options and call the library."""

from __future__ import annotations

import logging
import math
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from bulletin import __version__
from bulletin.core.errors import (BulletinError, EngineError, InputError, LockedError, PublishError, QAError,
                             SourceError)
from bulletin.formats import FORMATS as AUDIO_FORMATS
from bulletin.audio.profiles import PROFILES as PROFILE_NAMES
from bulletin.tts import engine_names

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
EXIT_ENGINE = 3
EXIT_NO_SOURCE = 4
EXIT_QA = 5
EXIT_PUBLISH = 6
EXIT_INTERNAL = 70
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
# Our exceptions -> exit codes; the first class that matches wins.
EXIT_CODES: dict[type[BulletinError], int] = {
    EngineError: EXIT_ENGINE, SourceError: EXIT_NO_SOURCE, QAError: EXIT_QA, LockedError: EXIT_LOCKED,
    PublishError: EXIT_PUBLISH, BulletinError: EXIT_ERROR,
}
DEBUG_ENV = "BULLETIN_DEBUG"
# A shell reports a process stopped by signal N as 128 + N: 130 for Ctrl-C, 143 for SIGTERM.
EXIT_SIGNAL_BASE = 128
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_stopped_by: int | None = None  # the signal that is stopping this run, once one came
log = logging.getLogger("bulletin")
AT_YEARS = (1970, 2999)  # --at: the bulletin's year, within what dates, feeds and tags handle


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


def _exit_code(exc: BulletinError) -> int:
    return next(code for cls, code in EXIT_CODES.items() if isinstance(exc, cls))


class OneLineUsageError(click.UsageError):
    """A command-line mistake as one line, like every other error, pointing at the help."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(original.format_message(), original.ctx)

    def show(self, file: Any = None) -> None:
        where = f" (see {self.ctx.command_path} --help)" if self.ctx is not None else ""
        click.echo(f"Error: {self.format_message().rstrip('.')}{where}", err=True)


class BulletinGroup(click.Group):
    """Turns our exceptions into one-line errors; tracebacks only with --debug."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
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
            ctx.exit(_exit_code(exc))
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


def _exit_interrupted(ctx: click.Context, signum: int) -> None:
    click.echo(f"Error: interrupted ({signal.Signals(signum).name}); stopped without writing "
               "or caching anything unfinished.", err=True)
    ctx.exit(EXIT_SIGNAL_BASE + signum)


def _debugging(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or os.environ.get(DEBUG_ENV) == "1"


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)["debug"] = True


def _configure_logging(quiet: bool, verbose: int) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


# --- shared options --------------------------------------------------------------


def common_options(func: F) -> F:
    """--config, -q, -v and --debug, for every command."""
    func = click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                        help="Show tracebacks for errors.")(func)
    func = click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Only errors; build prints just the MP3 path.")(func)
    func = click.option("--config", "config_path", type=click.Path(readable=False, path_type=Path),
                        help="Configuration file (default: ./bulletin.toml if present).")(func)
    return func


def script_options(func: F) -> F:
    """PAGE, --at, --max-duration, --engine and --voice, shared by build and script."""
    func = click.option("--voice", metavar="NAME",
                        help="Voice profile for anchor and newsreader (see `bulletin voices`).")(func)
    func = click.option("--engine", type=click.Choice(["auto", *engine_names()]),
                        help="auto (default): the configured voices, else the fallback; or one engine, strictly.")(func)
    func = click.option("--max-duration", type=FiniteFloatRange(min=1), metavar="SECONDS",
                        help="Drop the oldest briefs until the estimated length fits.")(func)
    func = click.option("--at", type=IsoDateTime(), metavar="ISO-8601",
                        help="The bulletin's time (default: now, in the show's time zone).")(func)
    func = click.argument("page", metavar="PAGE")(func)  # a file or an http(s) URL
    return func


def base_url_option(func: F) -> F:
    """--base-url, for every command that publishes."""
    return click.option("--base-url", metavar="URL",
                        help="Where the output folder is served (overrides [publish] base_url).")(func)


def target_options(*profile_flags: str) -> Callable[[F], F]:
    """--to and the AWS profile flags, for every command that publishes."""
    def decorate(func: F) -> F:
        func = click.option(*profile_flags, "aws_profile", metavar="NAME",
                            help="AWS profile for the bucket (overrides [publish] aws_profile).")(func)
        return click.option("--to", "target", metavar="s3://BUCKET/PREFIX/",
                            help="Also copy the published folder to this bucket (overrides [publish] target).")(func)
    return decorate


def _publish_overrides(base_url: str | None, target: str | None, aws_profile: str | None) -> dict[str, Any]:
    return {"publish.base_url": base_url, "publish.target": target, "publish.aws_profile": aws_profile}


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """A per-segment progress bar on stderr when it is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int, label: str) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Building", file=sys.stderr,
                                    item_show_func=lambda item: item).__enter__()
        bar.update(done - bar.pos, label[:40])

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _config(config_path: Path | None, quiet: bool, verbose: int, **overrides: Any) -> Any:
    from bulletin.config import load_config

    _configure_logging(quiet, verbose)
    return load_config(config_path, overrides)


def _voice_overrides(engine: str | None, voice: str | None) -> dict[str, Any]:
    return {"voice.engine": engine, "voice.anchor": voice, "voice.newsreader": voice}


# --- commands ----------------------------------------------------------------------


@click.group(cls=BulletinGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn a Dutch news page into a radio-style spoken news bulletin."""
    ctx.ensure_object(dict)


@cli.command()
@script_options
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: output/).")
@click.option("--no-cache", is_flag=True, help="Synthesise every segment anew; leave the cache alone.")
@click.option("--profile", type=click.Choice(sorted(PROFILE_NAMES)),
              help="Loudness profile: podcast (default), alexa or broadcast.")
@click.option("--format", "audio_format", type=click.Choice(sorted(AUDIO_FORMATS)),
              help="The file: mp3 (default) or wav (Broadcast WAV, 48 kHz, for radio playout).")
@click.option("--no-sounders", is_flag=True, help="No sting, sounders or bed: voice only.")
@click.option("--publish", "then_publish", is_flag=True, help="Publish the output folder afterwards.")
@base_url_option
@target_options("--aws-profile")
@common_options
def build(page: str, at: datetime | None, max_duration: float | None, engine: str | None, voice: str | None,
          output_dir: Path | None, no_cache: bool, profile: str | None, audio_format: str | None,
          no_sounders: bool, then_publish: bool, base_url: str | None, target: str | None, aws_profile: str | None,
          config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Build a bulletin MP3 (or Broadcast WAV) from a saved news PAGE (or a script, read as written).

    Writes DIR/YYYY-MM-DD/<name>-HHMM/<name>-HHMM.mp3 (.wav) with the script beside it as .txt and .json.
    """
    from bulletin.build import pipeline

    config = _config(config_path, quiet, verbose, **_voice_overrides(engine, voice),
                     **{"output.dir": str(output_dir) if output_dir else None,
                        "cache.enabled": False if no_cache else None,
                        "audio.profile": profile,
                        "audio.format": audio_format,
                        "sounders.enabled": False if no_sounders else None},
                     **_publish_overrides(base_url, target, aws_profile))
    if then_publish:
        pipeline.check_publishable(config)
    with _progress_bar(not quiet) as progress:
        result = pipeline.build(page, config, at=at, max_seconds=max_duration, progress=progress)
    click.echo(str(result.mp3))
    if not quiet:
        _report_build(result)
    if then_publish:
        published = pipeline.publish_folder(config)
        if not quiet:
            _report_publish(published)


def _report_build(result: Any) -> None:
    from bulletin.media.meter import duration_text

    qa = result.qa
    speech = result.speech
    click.echo(
        f"{duration_text(qa.duration)} · {qa.integrated:.1f} LUFS · {qa.true_peak:.1f} dBTP · "
        f"{speech.segments} segments ({speech.cached} cached) · {result.engine} ({result.voice}) · "
        f"built in {result.seconds_taken:.1f} s"
    )
    click.echo(
        f"QA {qa.profile}: passed · LRA {qa.loudness_range:.1f} LU · segment spread {qa.spread:.1f} LU · "
        f"longest silence {qa.longest_silence:.1f} s"
    )
    for item in result.script.dropped:
        click.echo(f"left out ({item.kind}, ~{item.estimated_seconds:.0f} s): {item.title}")


def _report_publish(result: Any) -> None:
    click.echo(f"published {result.feed}: {len(result.episodes)} bulletins, {result.alexa_items} in the Alexa feed"
               + (f", {len(result.removed)} removed" if result.removed else ""))
    if result.upload is None:
        return
    if result.upload.dry_run:  # the point of a dry run is the list
        for relative in result.upload.uploaded:
            click.echo(f"would upload {result.upload.target}{relative}")
        for relative in result.upload.deleted:
            click.echo(f"would delete {result.upload.target}{relative}")
    click.echo(result.upload.summary())


@cli.command()
@click.option("--force", is_flag=True, help="Build even when the news has not changed since the last run.")
@click.option("--at", type=IsoDateTime(), metavar="ISO-8601", help="The bulletin's time (default: now).")
@base_url_option
@target_options("--aws-profile")
@common_options
def daily(force: bool, at: datetime | None, base_url: str | None, target: str | None, aws_profile: str | None,
          config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Fetch the configured sources, build, publish and prune: one unattended run (for cron).

    Exit codes: 0 built, or nothing new; 1 configuration; 3 speech engine; 4 no source
    could be read; 5 loudness QA; 6 the bucket upload failed; 75 another run holds the lock.
    """
    from bulletin.build import daily as runner

    config = _config(config_path, quiet, verbose, **_publish_overrides(base_url, target, aws_profile))
    result = runner.run_logged(config, force=force, at=at, exit_code=_exit_code)
    if not quiet:
        click.echo(runner.summary(result))


@cli.command()
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The output folder to publish (default: output/).")
@base_url_option
@target_options("--profile", "--aws-profile")
@click.option("--dry-run", is_flag=True, help="List what the bucket would get and lose; upload and delete nothing.")
@common_options
def publish(output_dir: Path | None, base_url: str | None, target: str | None, aws_profile: str | None,
            dry_run: bool, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Write feed.xml (podcast), flash-briefing.json (Alexa), index.html and latest.* for the
    output folder, and copy it to an S3 bucket (--to or [publish] target)."""
    from bulletin.build import pipeline

    config = _config(config_path, quiet, verbose, **{"output.dir": str(output_dir) if output_dir else None},
                     **_publish_overrides(base_url, target, aws_profile))
    _report_publish(pipeline.publish_folder(config, dry_run=dry_run))


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@common_options
def serve(folder: Path | None, host: str, port: int, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Serve the output folder over HTTP (ranges, ETags) for preview and testing."""
    from bulletin.publish.server import make_server

    config = _config(config_path, quiet, verbose)
    root = folder or Path(config.get("output", "dir"))
    if not root.is_dir():
        raise InputError(f"{root} is not a folder; build a bulletin first or name the folder.")
    server = make_server(root, host, port)
    click.echo(f"serving {root} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a user stops it
    finally:
        server.server_close()


@cli.command()
@click.argument("path", required=False, default="bulletin.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter bulletin.toml."""
    from bulletin.config import starter_text
    from bulletin.storage.atomic import write_text

    if path.exists() and not force:
        raise InputError(f"{path} exists; use --force to overwrite it.")
    write_text(path, starter_text())
    click.echo(f"wrote {path}: set [show] and [publish] base_url, then `bulletin build PAGE --publish`.")


@cli.command()
@script_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Text for people, JSON for programs.")
@common_options
def script(page: str, at: datetime | None, max_duration: float | None, engine: str | None, voice: str | None,
           fmt: str, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Print the radio script for a saved news PAGE, without synthesising it (edit it, then build it)."""
    from bulletin.build import pipeline
    from bulletin.script.render import to_json, to_text

    config = _config(config_path, quiet, verbose, **_voice_overrides(engine, voice))
    result = pipeline.make_script(page, config, at=at, max_seconds=max_duration)
    click.echo(to_json(result) if fmt == "json" else to_text(result), nl=False)


@cli.command()
@click.argument("text")
@click.option("--voice", metavar="NAME", help="Voice profile (default: the newsreader; see `bulletin voices`).")
@click.option("--engine", type=click.Choice(["auto", *engine_names()]),
              help="auto (default): Google when it answers, else offline; or one engine, strictly.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("say.mp3"),
              show_default=True, help="Where to write the audio.")
@click.option("--raw", is_flag=True, help="Speak TEXT as it is, without the voice's lexicons.")
@common_options
def say(text: str, voice: str | None, engine: str | None, output: Path, raw: bool, config_path: Path | None,
        quiet: bool, verbose: int) -> None:
    """Speak TEXT as a bulletin would: print it as prepared for the voice, write it mastered.

    For checking a pronunciation (a lexicon entry) in seconds.
    """
    from bulletin.build import pipeline
    from bulletin.media.meter import duration_text

    config = _config(config_path, quiet, verbose, **{"voice.engine": engine, "voice.newsreader": voice})
    said = pipeline.say(text, config, output, raw=raw)
    click.echo(said.text)
    if not quiet:
        click.echo(f"{said.path} · {duration_text(said.qa.duration)} · {said.qa.integrated:.1f} LUFS · "
                   f"{said.engine} ({said.voice})")


@cli.command()
@click.argument("audio", type=click.Path(readable=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@common_options
def inspect(audio: Path, fmt: str, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Show any MP3's or WAV's tags (ID3; bext and INFO), chapters or cue points, duration, loudness and true peak."""
    import json

    from bulletin.formats.inspection import inspect_file, to_text

    _configure_logging(quiet, verbose)
    found = inspect_file(audio)
    click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else to_text(found),
               nl=fmt == "json")


@cli.group(invoke_without_command=True)
@common_options
@click.pass_context
def voices(ctx: click.Context, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """List the voice profiles: engine, language, online or offline, and whether each can run here."""
    if ctx.invoked_subcommand is not None:
        return
    from bulletin import config as cfg
    from bulletin.casting.cast import fallback_names
    from bulletin.tts import engine_class, engine_status
    from bulletin.casting.profiles import list_voices

    config = _config(config_path, quiet, verbose)
    roles: dict[str, list[str]] = {}
    for role, names in (("anchor", [config.get("voice", "anchor")]), ("newsreader", [config.get("voice", "newsreader")]),
                        ("fallback", fallback_names(config))):
        for name in names:
            roles.setdefault(name, []).append(role)
    for profile in list_voices(cfg.voice_dirs(config)):
        role = f" [{', '.join(roles[profile.name])}]" if profile.name in roles else ""
        where = "online" if engine_class(profile.engine).online else "offline"
        status = engine_status(profile.engine, profile.options, cfg.engine_options(config, profile.engine))
        click.echo(f"{profile.name}{role}: {profile.description} ({profile.engine}, {profile.language}, {where}) "
                   f"- {status}")


@voices.command("download")
@click.argument("name")
@click.option("--from", "base", metavar="URL", help="A mirror laid out like Piper's voice repository "
              "(default: [piper] catalogue).")
@common_options
def voices_download(name: str, base: str | None, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Download, verify and install the Piper voice NAME (like nl_NL-mls-medium)."""
    from bulletin.tts.piper_store import download

    config = _config(config_path, quiet, verbose)
    with _byte_bar(not quiet, f"Downloading {name}") as progress:
        voice = download(name, base or config.get("piper", "catalogue"), progress=progress)
    click.echo(f"installed {voice.name} as voice {voice.profile} ({voice.model})")


@voices.command("add")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="The voice's name (default: the model's file name without .onnx).")
@common_options
def voices_add(model: Path, name: str | None, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Install a Piper MODEL.onnx you already have (its MODEL.onnx.json beside it)."""
    from bulletin.tts.piper_store import add

    _configure_logging(quiet, verbose)
    voice = add(model, name)
    click.echo(f"installed {voice.name} as voice {voice.profile} ({voice.model})")


@contextmanager
def _byte_bar(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A download progress bar on stderr when it is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr).__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.group()
def cache() -> None:
    """The cache of synthesised segments."""


def _cache_stores(config_path: Path | None, quiet: bool, verbose: int) -> tuple[Path, dict[str, Any]]:
    from bulletin import config as cfg
    from bulletin.build.caches import stores

    root = cfg.cache_location(_config(config_path, quiet, verbose))
    return root, stores(root)


@cache.command("info")
@common_options
def cache_info(config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Where the cache is, what it holds and how big it is."""
    import time as clock

    root, found = _cache_stores(config_path, quiet, verbose)
    click.echo(f"{root}")
    for name, store in found.items():
        info = store.info()
        line = f"{name}: {info.entries} entries, {info.total_bytes / 1e6:.1f} MB"
        if info.oldest is not None:
            line += (f", last used between {clock.strftime('%Y-%m-%d', clock.localtime(info.oldest))} "
                     f"and {clock.strftime('%Y-%m-%d', clock.localtime(info.newest))}")
        click.echo(line)


@cache.command("prune")
@click.option("--older-than", "older_than", type=click.FloatRange(min=0), metavar="DAYS",
              help="Remove segments not used for this many days (default: [daily] keep_cache_days).")
@click.option("--max-size", type=click.FloatRange(min=0), metavar="MB",
              help="Then remove the least recently used until the cache fits.")
@click.option("--all", "everything", is_flag=True, help="Empty the cache.")
@common_options
def cache_prune(older_than: float | None, max_size: float | None, everything: bool,
                config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Remove what has not been used for a while from the cache."""
    _, found = _cache_stores(config_path, quiet, verbose)
    if older_than is None:
        older_than = _config(config_path, quiet, verbose).settings.daily.keep_cache_days
    for name, store in found.items():
        removed, freed = store.prune(older_than_days=0 if everything else older_than,
                                     max_bytes=None if max_size is None else int(max_size * 1e6))
        click.echo(f"{name}: removed {removed} entries, {freed / 1e6:.1f} MB")


def main() -> None:
    """Console-script entry point."""
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)
    cli(prog_name="bulletin")
