"""Everything bulletin reads back (its own manifests and state, caches, scripts, catalogues, the
environment, its arguments) is checked where it is read: a damaged value is one line and the
documented exit code, or, where the code promises it, ignored and made again; never an internal
error (exit 70)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import FIXTURES, PAGES, run, serve_loopback
from fake_catalogue import Catalogue

EXIT_ERROR, EXIT_USAGE, EXIT_PUBLISH, EXIT_INTERNAL = 1, 2, 6, 70
BASE = "https://nieuws.example.org/"
AT = "2026-11-27T08:00"
FOLDER = "2026-11-27/nieuws-0800"
GOOD_MANIFEST = {
    "guid": "urn:uuid:5b3c3a4e-5d6f-4b9a-9a40-0f2d1b6c8e11",
    "title": "Nieuws",
    "description": "Het nieuws.",
    "published": "2026-11-27T08:00:00+01:00",
    "duration": 60.0,
    "audio": f"{FOLDER}/nieuws-0800.mp3",
    "state": "published",
}


def one_line(result) -> str:
    (line,) = result.stderr.strip().splitlines()
    return line


# --- episode manifests: `bulletin publish` refuses the folder, naming the file ------------------

MANIFESTS = {
    "published without a time zone": {**GOOD_MANIFEST, "published": "2026-11-27T08:00:00"},
    "published not a time": {**GOOD_MANIFEST, "published": 5},
    "duration as text": {**GOOD_MANIFEST, "duration": "lang"},
    "duration NaN": "NaN",
    "title null": {**GOOD_MANIFEST, "title": None},
    "webvtt a number": {**GOOD_MANIFEST, "webvtt": 5},
    "guid a list": {**GOOD_MANIFEST, "guid": ["a", "b"]},
    "not UTF-8": b'{"title": "caf\xe9"}',
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "audio /etc/hostname": {**GOOD_MANIFEST, "audio": "/etc/hostname"},
    "audio ../../": {**GOOD_MANIFEST, "audio": "../../etc/hostname"},
    "a transcript in another folder": {**GOOD_MANIFEST, "webvtt": "2026-11-26/ander/ander.vtt"},
}


@pytest.mark.parametrize("content", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_a_damaged_manifest_is_one_line_naming_it(tmp_path, content):
    folder = tmp_path / "out" / FOLDER
    folder.mkdir(parents=True)
    (folder / "nieuws-0800.mp3").write_bytes(b"\xff\xfb" + bytes(400))
    if content == "NaN":
        raw = json.dumps(GOOD_MANIFEST).replace("60.0", "NaN").encode()
    else:
        raw = (
            content
            if isinstance(content, bytes)
            else (json.dumps(content) if isinstance(content, dict) else content).encode()
        )
    (folder / "nieuws-0800.episode.json").write_bytes(raw)
    result = run("publish", "-o", tmp_path / "out", "--base-url", BASE)
    assert result.exit_code == EXIT_ERROR, result.stderr
    line = one_line(result)
    assert "nieuws-0800.episode.json is not a valid episode manifest" in line, line
    assert not (tmp_path / "out" / "latest.mp3").exists() and not (tmp_path / "out" / "feed.xml").exists()


# --- daily's state and the fetch cache: damaged entries are ignored and made again ---------------

STATES = {
    "a number": "5",
    "a list": "[1, 2]",
    "true": "true",
    "a string": '"klaar"',
    "digest a number": '{"digest": 5}',
}


@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
def test_a_damaged_daily_state_is_ignored_and_the_run_builds(tmp_path, state):
    (tmp_path / "bulletin.toml").write_text(
        '[output]\ndir = "out"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n'
        f'[[sources]]\nname = "kort"\nlocation = "{PAGES / "kort.txt"}"\n',
        "utf-8",
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".bulletin-state.json").write_text(state, "utf-8")
    result = run("daily", "--at", AT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("built ")
    assert isinstance(json.loads((tmp_path / "out" / ".bulletin-state.json").read_text("utf-8"))["digest"], str)


class Page(BaseHTTPRequestHandler):
    """kort.txt with validators, so that fetching it leaves them in the fetch cache."""

    def do_GET(self) -> None:
        body = (PAGES / "kort.txt").read_bytes()
        self.send_response(200)
        self.send_header("ETag", '"v1"')
        self.send_header("Last-Modified", "Fri, 27 Nov 2026 07:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


FETCH_META = {
    "a number": "5",
    "a list": "[1, 2]",
    "a bare string": '"ETag"',
    "an ETag that is a number": '{"ETag": 5}',
    "a line break in Last-Modified": '{"Last-Modified": "Fri, 27 Nov 2026\\r\\nX-Evil: 1"}',
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("meta", FETCH_META.values(), ids=FETCH_META.keys())
def test_a_damaged_fetch_cache_entry_is_ignored_and_made_again(tmp_path, meta):
    server, url = serve_loopback(Page)
    try:
        assert run("script", f"{url}/kort.txt").exit_code == 0
        (kept,) = (tmp_path / "cache" / "bulletin" / "http").glob("*.json")
        kept.write_text(meta, "utf-8")
        again = run("script", f"{url}/kort.txt")
    finally:
        server.shutdown()
        server.server_close()
    assert again.exit_code == 0, again.stderr
    assert json.loads(kept.read_text("utf-8")) == {"ETag": '"v1"', "Last-Modified": "Fri, 27 Nov 2026 07:00:00 GMT"}


# --- scripts: JSON too deep and times out of range are refused like --at -----------------------


def _at(moment: str) -> Callable[[dict], str]:
    return lambda script: json.dumps({**script, "at": moment})


SCRIPTS: dict[str, tuple[Callable[[dict], str], str]] = {
    "nested 100,000 deep": (lambda _: '{"segments": ' + "[" * 100_000 + "]" * 100_000 + "}", "not valid JSON"),
    "in the year 9999": (_at("9999-12-31T23:00"), "outside the years 1970 to 2999"),
    "in the year 1": (_at("0001-01-01T08:00"), "outside the years 1970 to 2999"),
}


@pytest.mark.parametrize(("edit", "says"), SCRIPTS.values(), ids=SCRIPTS.keys())
def test_a_script_out_of_bounds_is_one_line(tmp_path, edit, says):
    made = run("script", PAGES / "kort.txt", "--format", "json", "--at", AT)
    assert made.exit_code == 0, made.stderr
    (tmp_path / "script.json").write_text(edit(json.loads(made.stdout)), "utf-8")
    result = run("build", tmp_path / "script.json", "--engine", "espeak", "-o", "out")
    assert result.exit_code == EXIT_ERROR, result.stderr
    assert says in one_line(result) and not (tmp_path / "out").exists()


def _spoken(value: object) -> Callable[[dict], str]:
    return lambda script: json.dumps({**script, "segments": [{**s, "spoken": value} for s in script["segments"]]})


def _without_spoken(script: dict) -> str:
    return json.dumps(
        {**script, "segments": [{k: v for k, v in s.items() if k != "spoken"} for s in script["segments"]]}
    )


# A segment's "spoken" is information, recomputed on every build: whatever it holds, or without it,
# the script is read from its written text.
SPOKEN_IGNORED: dict[str, Callable[[dict], str]] = {
    "without spoken": _without_spoken,
    "spoken a number": _spoken(42),
    "spoken null": _spoken(None),
    "spoken nested": _spoken([[["x"]]]),
}


@pytest.mark.parametrize("edit", SPOKEN_IGNORED.values(), ids=SPOKEN_IGNORED.keys())
def test_a_scripts_spoken_is_never_read(tmp_path, edit):
    made = run("script", PAGES / "kort.txt", "--format", "json", "--at", AT, "--engine", "espeak")
    assert made.exit_code == 0, made.stderr
    (tmp_path / "script.json").write_text(edit(json.loads(made.stdout)), "utf-8")
    again = run("script", tmp_path / "script.json", "--format", "json", "--engine", "espeak")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["segments"] == json.loads(made.stdout)["segments"]


# --- Piper catalogues: checked before a byte of a voice is fetched -----------------------------

NAME = "nl_NL-test-low"
FILES = {
    f"nl/nl_NL/test/low/{NAME}.onnx": {"size_bytes": 4, "md5_digest": hashlib.md5(b"onnx").hexdigest()},
    f"nl/nl_NL/test/low/{NAME}.onnx.json": {"size_bytes": 2, "md5_digest": hashlib.md5(b"{}").hexdigest()},
}


def _catalogue(files: object) -> bytes:
    return json.dumps({NAME: {"key": NAME, "files": files}}).encode()


CATALOGUES: dict[str, tuple[bytes, str]] = {
    "HTML instead of JSON": (b"<!doctype html><title>Not found</title>", "not a voice catalogue"),
    "files a list": (_catalogue(list(FILES)), "lists no files"),
    "size_bytes as text": (
        _catalogue({k: {**v, "size_bytes": "groot"} for k, v in FILES.items()}),
        "no size in bytes",
    ),
    "no md5_digest": (_catalogue({k: {"size_bytes": v["size_bytes"]} for k, v in FILES.items()}), "no MD5"),
    "a file's entry a number": (_catalogue(dict.fromkeys(FILES, 5)), "no size in bytes"),
}


def _download(files: dict[str, bytes]):
    """``bulletin voices download NAME`` from a loopback catalogue of ``files``; the result, and the catalogue."""
    catalogue = Catalogue()
    catalogue.files.update(files)
    base = catalogue.start()
    try:
        return run("voices", "download", NAME, "--from", base), catalogue
    finally:
        catalogue.stop()


@pytest.mark.parametrize(("index", "says"), CATALOGUES.values(), ids=CATALOGUES.keys())
def test_a_damaged_catalogue_is_one_line_and_nothing_is_fetched(index, says):
    result, catalogue = _download({"voices.json": index})
    assert result.exit_code == EXIT_ERROR, result.stderr
    assert says in one_line(result)
    assert [path for path, _ in catalogue.requests] == ["voices.json"]  # no model file was asked for


# --- the environment and the arguments ---------------------------------------------------------

Setup = Callable[[pytest.MonkeyPatch, Path], list[str]]


def _endpoint_not_a_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "niet een adres")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    return ["publish", "-o", str(tmp_path / "out"), "--base-url", BASE, "--to", "s3://emmer/nieuws/"]


def _argument_not_utf8(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    return ["say", "caf\udce9", "--engine", "espeak", "-o", str(tmp_path / "x.mp3")]  # b"caf\xe9" as Python gets it


ENVIRONMENTS: dict[str, tuple[Setup, int, str]] = {
    "AWS_ENDPOINT_URL not a URL": (_endpoint_not_a_url, EXIT_PUBLISH, "AWS_ENDPOINT_URL='niet een adres' is not a URL"),
    "an argument not UTF-8": (_argument_not_utf8, EXIT_USAGE, "b'caf\\xe9' is not valid UTF-8"),
}


@pytest.mark.parametrize(("setup", "code", "says"), ENVIRONMENTS.values(), ids=ENVIRONMENTS.keys())
def test_the_environment_and_arguments_are_checked(monkeypatch, tmp_path, setup, code, says):
    result = run(*setup(monkeypatch, tmp_path))
    assert result.exit_code == code, result.stderr
    assert says in one_line(result)


@pytest.mark.parametrize("page", ["!!! ... ???\n---\n", "— • —\n***\n"])
def test_a_page_with_nothing_to_read_is_bad_input(tmp_path, page):
    """The page was read (exit 4 is for sources that cannot be): it is the page that has no news."""
    (tmp_path / "leeg.txt").write_text(page, "utf-8")
    result = run("script", tmp_path / "leeg.txt")
    assert result.exit_code == EXIT_ERROR, result.stderr
    assert "nothing is left to read" in one_line(result)


def test_a_feed_cut_short_is_read_as_far_as_it_goes_with_a_warning(tmp_path):
    whole = (FIXTURES / "feeds" / "buitenland.xml").read_bytes()
    cut = whole[: whole.index(b"<item>", whole.index(b"<item>") + 1) + 40]  # into the second entry
    (tmp_path / "kort.xml").write_bytes(cut)
    result = run("script", tmp_path / "kort.xml", "--at", "2026-11-27T08:00")
    assert result.exit_code == 0, result.stderr
    line = one_line(result)
    assert "kort.xml is not a whole RSS or Atom document" in line and "entries before the fault" in line
    assert result.stdout.strip()


def test_a_file_longer_than_its_catalogue_says_is_cut_off_at_that_size(tmp_path):
    onnx, config = FILES
    result, _ = _download(
        {"voices.json": _catalogue(FILES), onnx: b"onnx" + bytes(1 << 20), config: b"{}"}  # a MiB more than listed
    )
    assert result.exit_code == EXIT_ERROR, result.stderr
    assert "sends more than the 4 bytes voices.json lists" in one_line(result)
    kept = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in kept) <= FILES[onnx]["size_bytes"] + FILES[config]["size_bytes"]


def test_a_runaway_page_is_refused_before_anything_is_spoken(tmp_path):
    """One brief of 400 KB on one line (hours of speech) stops at the documented cap, [script]
    max_minutes, with nothing spoken, cached or written."""
    runaway = "UTRECHT (ANP) - " + "De raad besluit vandaag over de nieuwe brug. " * 9000
    (tmp_path / "lang.txt").write_text(
        f"Kop\nAMSTERDAM (ANP) - Een verhaal.\nMeer uit Binnenland\n{runaway}\n", "utf-8"
    )
    result = run("build", tmp_path / "lang.txt", "--engine", "espeak", "-o", "out")
    assert result.exit_code == EXIT_ERROR, result.stderr
    assert "more than [script] max_minutes = 60" in one_line(result)
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache" / "bulletin" / "segments").exists()
