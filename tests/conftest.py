"""Shared fixtures. Audio is checked with tools other than our own code:
pyloudnorm for loudness, scipy for true peak, ffmpeg for decoding, mutagen for tags."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RATE = 44100


OFFLINE = {"voice.engine": "espeak"}  # config overrides for tests that are not about engine choice
# Programs some tests read results back with, from Debian's packages (.ci/run installs them). Where one
# is missing such a test is skipped, saying so; with BULLETIN_TEST_TOOLS=required (as in CI) it fails.
REQUIRE_TOOLS_ENV = "BULLETIN_TEST_TOOLS"
WAIT_S = 60.0  # how long a test waits for something another process does, at most (then it fails)
POLL_S = 0.01


def wait_until(
    condition: Callable[[], bool],
    what: str,
    process: subprocess.Popen | None = None,
    timeout: float = WAIT_S,
    poll: float = POLL_S,
) -> bool:
    """Poll ``condition`` until it holds (True) or ``process`` has ended (False); a test
    fails, rather than hangs, when neither happens within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            return False
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:g} s"
        time.sleep(poll)
    return True


MEASURES = ("reading corpus",)  # test properties printed in the run's summary (recorded by any worker)


def pytest_terminal_summary(terminalreporter) -> None:
    """The measures tests recorded with ``record_property`` (the reading corpus's share), shown at the
    end of the run, with or without workers."""
    for report in (r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])):
        for name, lines in getattr(report, "user_properties", []):
            if name in MEASURES:
                terminalreporter.write_sep("-", name)
                for line in lines:
                    terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def endpoint():
    """A real S3 endpoint (moto's server, with conditional writes) on a free loopback port, for a module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(endpoint, tmp_path, monkeypatch):
    """The standard AWS chain pointed at the loopback endpoint, with dummy keys; a new bucket."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    import boto3

    bucket = f"pod-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3")
    client.create_bucket(Bucket=bucket)
    return client, bucket


@pytest.fixture
def at() -> datetime:
    """A fixed bulletin time: Friday 27 November 2026, 08:15 in Amsterdam."""
    return datetime(2026, 11, 27, 8, 15, tzinfo=AMSTERDAM)


@pytest.fixture
def page() -> callable:
    """Path of a fixture page by file name."""
    return lambda name: PAGES / name


def need_tool(name: str) -> str:
    """The path of the program ``name`` (a Debian package's); skip the test without it, or fail when
    the tools are required."""
    import os
    import shutil

    found = shutil.which(name)
    if found is None:
        message = f"no {name} here (Debian package); .ci/run installs it"
        if os.environ.get(REQUIRE_TOOLS_ENV) == "required":
            pytest.fail(message)
        pytest.skip(message)
    return found


CHROMIUM_ARGS = [  # headless in a container: no sandbox, no GPU, nothing fetched behind the test's back
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture
def browser():
    """Debian's Chromium (``need_tool``), driven by Playwright: told where the browser is, it never
    downloads one."""
    from playwright.sync_api import sync_playwright

    executable = need_tool("chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def cli_runner():
    """click's CliRunner with stderr kept apart from stdout, as a user's terminal shows them."""
    from click.testing import CliRunner

    try:  # click < 8.2 mixes stderr into output unless told not to
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def run(*args):
    """``bulletin ARGS...`` through click, in the test's folder; the click ``Result``."""
    from bulletin.cli import cli

    return cli_runner().invoke(cli, [str(a) for a in args], prog_name="bulletin")


@pytest.fixture
def runner():
    """A fresh :func:`cli_runner` for tests that invoke several commands."""
    return cli_runner()


def engine_section(name: str, **changes):
    """An engine's section of the defaults (``[gtts]``), with ``changes``; None for an engine without one."""
    from dataclasses import replace

    from bulletin.config import load_config
    from bulletin.config.stages import engine_section as section_of

    section = section_of(load_config(), name)
    return replace(section, **changes) if section is not None else None


def built_engine(name: str, options: dict, **section_changes):
    """An engine as a build makes it: a voice's ``options``, and the engine's section of the defaults."""
    from bulletin.tts import create_engine

    return create_engine(name, options, engine_section(name, **section_changes))


MODULES_AFTER = """
import json, sys
from bulletin.cli import main
sys.argv = ["bulletin", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    if done.code:
        raise
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``bulletin ARGS`` in a fresh Python process: the process, and every module it had
    imported when the command was done (empty when it failed)."""
    import json
    import sys

    done = subprocess.run([sys.executable, "-c", MODULES_AFTER, *args], capture_output=True, text=True, cwd=cwd)
    lines = done.stdout.strip().splitlines()
    return done, set(json.loads(lines[-1])) if done.returncode == 0 and lines else set()


def served(audio: Path) -> Path:
    """The versioned twin a build writes beside ``audio`` (``x.mp3`` -> ``x.<8 hex>.mp3``), which the
    feeds name: found by its name's shape alone, and checked to hold the same bytes."""
    import re

    stem, suffixes = audio.name.split(".", 1)
    shape = re.compile(rf"{re.escape(stem)}\.[0-9a-f]{{8}}\.{re.escape(suffixes)}")
    (twin,) = [p for p in audio.parent.iterdir() if shape.fullmatch(p.name)]
    assert twin.read_bytes() == audio.read_bytes()
    return twin


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decode(path: Path, rate: int = RATE) -> np.ndarray:
    """Decode any audio file to mono float64 with ffmpeg itself."""
    raw = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(rate), "-f", "f64le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.float64)


def lufs(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness by pyloudnorm (BS.1770-4), independent of our meter."""
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak by 4x oversampling (BS.1770 annex 2), written here, not imported from bulletin."""
    from scipy.signal import resample_poly

    peak = float(np.max(np.abs(resample_poly(samples, 4, 1))))
    return 20 * np.log10(max(peak, float(np.max(np.abs(samples)))))


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Run every test in its own folder (no stray bulletin.toml, output/ in tmp), with its
    own segment cache and voices folder, and with no way out to the internet: only loopback connects."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BULLETIN_DEBUG", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # installed Piper voices
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the studio's password and tokens
    real_connect = socket.socket.connect

    def loopback_only(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and sock.family != socket.AF_UNIX:
            raise OSError(f"test tried to reach {host}: tests stay off the network")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture
def google():
    """Google's TTS endpoint faked at the HTTP layer (see fake_google.py)."""
    import responses

    from fake_google import FakeGoogle

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGoogle(mock)


def serve_loopback(handler: type) -> tuple[ThreadingHTTPServer, str]:
    """A real HTTP server for ``handler`` on 127.0.0.1 (a free port), serving in a thread; and its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
