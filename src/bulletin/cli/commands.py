"""The commands that make and publish bulletins: each parses its options and calls one
library function."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bulletin.cli.app import cli
from bulletin.cli.options import (
    IsoDateTime,
    RegistryChoice,
    RegistryOption,
    SourcesCommand,
    base_url_option,
    common_options,
    engine_option,
    format_choices,
    format_entries,
    load,
    output_dir_option,
    output_override,
    profile_choices,
    profile_entries,
    progress_bar,
    publish_overrides,
    script_options,
    target_options,
    voice_overrides,
)
from bulletin.core.errors import InputError

if TYPE_CHECKING:
    from bulletin.build.pipeline import BuildResult, SegmentReading
    from bulletin.publish import PublishResult

TEXT_OR_JSON = click.Choice(["text", "json"])
NO_CHANGE = "  (no rule changed a word)"  # --explain, for a text read as written


@cli.command(cls=SourcesCommand)
@script_options
@output_dir_option("Output folder")
@click.option("--no-cache", is_flag=True, help="Synthesise every segment anew; leave the cache alone.")
@click.option(
    "--profile",
    type=RegistryChoice(profile_choices),
    cls=RegistryOption,
    entries=profile_entries,
    help="Loudness profile (default: podcast).",
)
@click.option(
    "--format",
    "audio_format",
    type=RegistryChoice(format_choices),
    cls=RegistryOption,
    entries=format_entries,
    help="The file's format (default: mp3; its settings: [FORMAT] in bulletin.toml).",
)
@click.option("--no-sounders", is_flag=True, help="No sting, sounders or bed: voice only.")
@click.option("--publish", "then_publish", is_flag=True, help="Publish the output folder afterwards.")
@click.option(
    "--draft", is_flag=True, help="A draft: in no feed until it is approved (the studio, `bulletin approve`)."
)
@base_url_option
@target_options("--aws-profile")
@common_options
def build(
    page: str,
    at: datetime | None,
    max_duration: float | None,
    engine: str | None,
    voice: str | None,
    output_dir: Path | None,
    no_cache: bool,
    profile: str | None,
    audio_format: str | None,
    no_sounders: bool,
    then_publish: bool,
    draft: bool,
    base_url: str | None,
    target: str | None,
    aws_profile: str | None,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Build a bulletin from PAGE: a saved news page, a feed (RSS, Atom, JSON Feed) or a JSON bulletin,
    as a file or a URL (or a script, read as written).

    Writes DIR/YYYY-MM-DD/<name>-HHMM/<name>-HHMM.mp3 (or .wav, .m4a) with the script beside it
    as .txt and .json, transcripts, chapters, the QA report and the cover: the bulletin's own folder.
    """
    from bulletin.build.pipeline import build as make
    from bulletin.publish.episode import APPROVED, DRAFT

    config = load(
        config_path,
        quiet,
        verbose,
        **voice_overrides(engine, voice),
        **{
            **output_override(output_dir),
            "cache.enabled": False if no_cache else None,
            "audio.profile": profile,
            "audio.format": audio_format,
            "sounders.enabled": False if no_sounders else None,
        },
        **publish_overrides(base_url, target, aws_profile),
    )
    if then_publish:
        # Publishing (feeds, the bucket, the station's lease) loads only with --publish.
        from bulletin.build.publishing import check_publishable

        check_publishable(config)
    with progress_bar(not quiet, "Building") as progress:
        result = make(
            page, config, at=at, max_seconds=max_duration, progress=progress, state=DRAFT if draft else APPROVED
        )
    click.echo(str(result.audio))
    if not quiet:
        _report_build(result)
        if draft:
            awaits = "a correction of the bulletin on air, which it replaces" if result.correction else "a draft"
            click.echo(f"{result.id}: {awaits} once approved (the studio, or `bulletin approve {result.id}`)")
    if then_publish:
        from bulletin.build.publishing import publish_folder

        published = publish_folder(config)
        if not quiet:
            _report_publish(published)


def _report_build(result: BuildResult) -> None:
    from bulletin.media.meter import duration_text

    qa = result.qa
    speech = result.speech
    click.echo(
        f"{duration_text(qa.duration)} · {qa.integrated:.1f} LUFS · {qa.true_peak:.1f} dBTP · "
        f"{speech.segments} segments ({', '.join(filter(None, [f'{speech.cached} cached', speech.shared_note()]))}) · "
        f"{result.engine} ({result.voice}) · "
        f"built in {result.seconds_taken:.1f} s"
    )
    click.echo(
        f"QA {qa.profile}: passed · LRA {qa.loudness_range:.1f} LU · segment spread {qa.spread:.1f} LU · "
        f"longest silence {qa.longest_silence:.1f} s"
    )
    for item in result.script.dropped:
        click.echo(f"left out ({item.kind}, ~{item.estimated_seconds:.0f} s): {item.title}")


def _report_publish(result: PublishResult) -> None:
    click.echo(
        f"published {result.feed}: {len(result.episodes)} bulletins, {result.alexa_items} in the Alexa feed"
        + (f", {len(result.removed)} removed" if result.removed else "")
    )
    if result.upload is None:
        return
    if result.upload.dry_run:  # the point of a dry run is the list
        for relative in result.upload.uploaded:
            click.echo(f"would upload {result.upload.target}{relative}")
        for relative in result.upload.deleted:
            click.echo(f"would delete {result.upload.target}{relative}")
    click.echo(result.upload.summary())


@cli.command()
@click.argument("bulletin", metavar="ID")
@output_dir_option()
@base_url_option
@target_options("--aws-profile")
@common_options
def approve(
    bulletin: str,
    output_dir: Path | None,
    base_url: str | None,
    target: str | None,
    aws_profile: str | None,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Approve the bulletin ID (YYYY-MM-DD/<name>-HHMM, its folder) for air and publish the folder."""
    from bulletin.build.approval import approve as approve_bulletin

    config = load(
        config_path,
        quiet,
        verbose,
        **output_override(output_dir),
        **publish_overrides(base_url, target, aws_profile),
    )
    approved = approve_bulletin(config, bulletin)
    click.echo(f"{approved.bulletin.id}: {approved.bulletin.episode.state}")
    if approved.published is not None and not quiet:
        _report_publish(approved.published)


@cli.command()
@click.option("--force", is_flag=True, help="Build even when the news has not changed since the last run.")
@click.option("--at", type=IsoDateTime(), metavar="ISO-8601", help="The bulletin's time (default: now).")
@base_url_option
@target_options("--aws-profile")
@common_options
def daily(
    force: bool,
    at: datetime | None,
    base_url: str | None,
    target: str | None,
    aws_profile: str | None,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Fetch the configured sources, build, publish and prune: one unattended run (for cron).

    Exit codes: 0 built, or nothing new; 1 configuration; 3 speech engine; 4 no source
    could be read; 5 loudness QA; 6 the bucket failed; 75 another run holds the lock (with a
    bucket: the station's lease, on any machine).
    """
    from bulletin.build.daily import run_logged, summary

    config = load(config_path, quiet, verbose, **publish_overrides(base_url, target, aws_profile))
    result = run_logged(config, force=force, at=at)
    if not quiet:
        click.echo(summary(result))


@cli.command()
@output_dir_option("The output folder to publish")
@base_url_option
@target_options("--profile", "--aws-profile")
@click.option("--dry-run", is_flag=True, help="List what the bucket would get and lose; upload and delete nothing.")
@common_options
def publish(
    output_dir: Path | None,
    base_url: str | None,
    target: str | None,
    aws_profile: str | None,
    dry_run: bool,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Write feed.xml (podcast), flash-briefing.json (Alexa), index.html and latest.* for the
    output folder, and copy it to an S3 bucket (--to or [publish] target)."""
    from bulletin.build.publishing import publish_folder

    config = load(
        config_path,
        quiet,
        verbose,
        **output_override(output_dir),
        **publish_overrides(base_url, target, aws_profile),
    )
    _report_publish(publish_folder(config, dry_run=dry_run))


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@common_options
def serve(folder: Path | None, host: str, port: int, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Serve the output folder over HTTP (ranges, ETags) for preview and testing."""
    from bulletin.publish.server import make_server

    config = load(config_path, quiet, verbose)
    root = folder or Path(config.settings.output.dir)
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
    from bulletin.config.starter import write_starter

    write_starter(path, force=force)
    click.echo(f"wrote {path}: set [show] and [publish] base_url, then `bulletin build PAGE --publish`.")


@cli.command(cls=SourcesCommand)
@script_options
@click.option(
    "--format", "fmt", type=TEXT_OR_JSON, default="text", show_default=True, help="Text for people, JSON for programs."
)
@click.option("--explain", is_flag=True, help="Show, per segment, each word a reading rule changed and the rule.")
@common_options
def script(
    page: str,
    at: datetime | None,
    max_duration: float | None,
    engine: str | None,
    voice: str | None,
    fmt: str,
    explain: bool,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Print the radio script for PAGE (a saved news page, a feed or a JSON bulletin, as a file or a
    URL), without synthesising it (edit it, then build it)."""
    from bulletin.build.pipeline import explain_script, make_script
    from bulletin.text.scriptfile import to_json, to_text

    config = load(config_path, quiet, verbose, **voice_overrides(engine, voice))
    if explain:
        click.echo(_explained_script(explain_script(page, config, at=at, max_seconds=max_duration), fmt), nl=False)
        return
    result = make_script(page, config, at=at, max_seconds=max_duration)
    click.echo(to_json(result) if fmt == "json" else to_text(result), nl=False)


def _explained_script(readings: list[SegmentReading], fmt: str) -> str:
    import json

    from bulletin.script.rules import describe

    if fmt == "json":
        document = [
            {
                "kind": r.segment.kind.value,
                "title": r.segment.title,
                "voice": r.voice,
                "changes": [{"rule": c.rule, "before": c.before, "after": c.after} for c in r.changes],
            }
            for r in readings
        ]
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for number, r in enumerate(readings, 1):
        lines.append(f"[{number}] {r.segment.kind.value.upper()}: {r.segment.title} ({r.voice})")
        lines += describe(r.changes) or [NO_CHANGE]
    return "\n".join(lines) + "\n"


@cli.command()
@click.argument("text")
@click.option("--voice", metavar="NAME", help="Voice profile (default: the newsreader; see `bulletin voices`).")
@engine_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("say.mp3"),
    show_default=True,
    help="Where to write the audio (its suffix says the format).",
)
@click.option("--raw", is_flag=True, help="Speak TEXT as it is, without the voice's lexicons.")
@click.option(
    "--explain",
    is_flag=True,
    help="Show each word a reading rule changed and the rule, then the reading; speak nothing.",
)
@common_options
def say(
    text: str,
    voice: str | None,
    engine: str | None,
    output: Path,
    raw: bool,
    explain: bool,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Speak TEXT as a bulletin would: print it as prepared for the voice, write it mastered.

    For checking a pronunciation (a lexicon entry) in seconds.
    """
    from bulletin.build.say import explain as explain_text
    from bulletin.build.say import say as speak
    from bulletin.media.meter import duration_text
    from bulletin.script.rules import describe

    if explain and raw:
        raise click.UsageError("--explain shows how TEXT is prepared and --raw does not prepare it; use one of them.")
    config = load(config_path, quiet, verbose, **{"voice.engine": engine, "voice.newsreader": voice})
    if explain:
        explained = explain_text(text, config)
        for line in describe(explained.changes) or [NO_CHANGE]:
            click.echo(line)
        click.echo(explained.spoken)
        return
    said = speak(text, config, output, raw=raw)
    click.echo(said.text)
    if not quiet:
        click.echo(
            f"{said.path} · {duration_text(said.qa.duration)} · {said.qa.integrated:.1f} LUFS · "
            f"{said.engine} ({said.voice})"
        )


@cli.command()
@click.argument("audio", type=click.Path(readable=False, path_type=Path))
@click.option("--format", "fmt", type=TEXT_OR_JSON, default="text", show_default=True)
@common_options
def inspect(audio: Path, fmt: str, config_path: Path | None, quiet: bool, verbose: int) -> None:
    """Show an audio file's tags, chapters or cue points, duration, loudness and true peak
    (any format bulletin writes: MP3 with ID3, Broadcast WAV with bext and INFO, M4A)."""
    import json

    from bulletin.cli.app import configure_logging
    from bulletin.formats.inspection import inspect_file, to_text

    configure_logging(quiet, verbose)
    found = inspect_file(audio)
    click.echo(
        json.dumps(found.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else to_text(found), nl=fmt == "json"
    )


@cli.command()
@output_dir_option()
@click.option("--host", help="Address to listen on (default: 127.0.0.1); any other needs a password or an API token.")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default: 8642; 0: any free one).")
@click.option("--set-password", is_flag=True, help="Set the studio's password (asked twice), then stop.")
@click.option("--new-token", metavar="NAME", help="Make an API token called NAME, print it once, then stop.")
@click.option("--read-only", is_flag=True, help="With --new-token: a token that may fetch (playout), not change.")
@click.option("--revoke-token", metavar="NAME", help="Forget the API token called NAME, then stop.")
@common_options
def studio(
    output_dir: Path | None,
    host: str | None,
    port: int | None,
    set_password: bool,
    new_token: str | None,
    read_only: bool,
    revoke_token: str | None,
    config_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """The newsroom's desk: a web page and an HTTP API to review, fix and approve bulletins
    before they air (needs bulletin[studio])."""
    from bulletin.studio import serve

    if sum((set_password, new_token is not None, revoke_token is not None)) > 1:
        raise click.UsageError("give one of --set-password, --new-token and --revoke-token at a time")
    if read_only and new_token is None:
        raise click.UsageError("--read-only is for a token made with --new-token NAME")
    config = load(
        config_path,
        quiet,
        verbose,
        **output_override(output_dir),
        **{"studio.host": host, "studio.port": port},
    )
    if set_password:
        password = click.prompt("New studio password", hide_input=True, confirmation_prompt=True, err=True)
        click.echo(f"password set (its scrypt hash is in {serve.set_password(config, password)})")
    elif new_token is not None:
        token = serve.new_token(config, new_token, read_only=read_only)
        click.echo(token)
        may = "fetch bulletins, not change them" if read_only else "read, edit and approve"
        click.echo(
            f"API token {new_token!r} ({may}): send it as 'Authorization: Bearer TOKEN'; it is shown only now.",
            err=True,
        )
    elif revoke_token is not None:
        serve.revoke_token(config, revoke_token)
        click.echo(f"API token {revoke_token!r} revoked")
    else:
        where = config.settings.output.dir
        with suppress(KeyboardInterrupt):  # Ctrl-C or SIGTERM is how a studio stops: it has shut down cleanly
            serve.serve(config, lambda url: click.echo(f"studio for {where}/ on {url} (Ctrl-C to stop)", err=quiet))
