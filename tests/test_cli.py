"""The command line, through click's CliRunner: output, exit codes, errors, no half-written files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import PAGES, run

AT = ["--at", "2026-11-27T08:15"]
ESPEAK = ["--engine", "espeak"]


def test_script_text_names_places_properly_cased():
    result = run("script", str(PAGES / "europa.txt"), *AT)
    assert result.exit_code == 0, result.stderr
    for place in ("Brussel.", "Warschau.", "Straatsburg.", "Madrid.", "Londen."):
        assert f"\n{place}\n" in result.stdout
    for unspoken in ("WARSCHAU", "(ANP", "geleden", "Meer uit"):
        assert unspoken not in result.stdout


def test_script_json_shape():
    result = run("script", str(PAGES / "europa.txt"), *AT, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"format", "version", "title", "at", "section", "segments", "dropped", "dropped_text"}
    assert (data["format"], data["version"], data["section"]) == ("bulletin-script", 2, "Buitenland")
    assert data["at"] == "2026-11-27T08:15:00+01:00"
    for seg in data["segments"]:
        assert set(seg) == {"kind", "title", "place", "agencies", "published", "text", "spoken"}
        assert seg["spoken"].count("\n") == seg["text"].count("\n")  # a paragraph for each
        assert not re.search(r"\d", seg["spoken"])
    # The text as written (what an editor edits), how it is read beside it.
    lead = data["segments"][1]
    assert "o.a." in lead["text"] and "EU" in lead["text"]
    assert "onder andere" in lead["spoken"] and "EU" not in lead["spoken"]
    assert data["segments"][2]["published"] == "2026-11-27T08:00+01:00"  # 15 minutes before 08:15


def test_at_with_offset_is_converted_to_the_show_zone():
    result = run("script", str(PAGES / "kort.txt"), "--at", "2026-11-27T07:15:00Z", "--format", "json")
    assert json.loads(result.stdout)["at"] == "2026-11-27T08:15:00+01:00"


def test_max_duration_reports_what_was_left_out():
    result = run("script", str(PAGES / "europa.txt"), *AT, "--max-duration", "45")
    assert result.exit_code == 0
    assert "Left out to fit the length:" in result.stdout
    assert "- brief: Londen:" in result.stdout


def test_build_prints_path_duration_and_loudness(tmp_path):
    result = run("build", str(PAGES / "kort.txt"), *AT, *ESPEAK, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    path, summary = result.stdout.splitlines()[:2]
    assert path == str(tmp_path / "out/2026-11-27/nieuwsbulletin-binnenland-0815/nieuwsbulletin-binnenland-0815.mp3")
    assert Path(path).is_file()
    assert "LUFS" in summary and "dBTP" in summary and "espeak" in summary


def test_quiet_build_prints_only_the_path(tmp_path):
    result = run("build", str(PAGES / "kort.txt"), *AT, *ESPEAK, "-o", str(tmp_path), "-q")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(".mp3") and len(result.stdout.splitlines()) == 1


BAD_PAGES = [
    "leeg.txt",
    "witruimte.txt",
    "alleen-kop.txt",
    "rommel.bin",
    "onleesbaar.txt",
    "kort-utf16.txt",
    "bestaat-niet.txt",
]


@pytest.mark.parametrize("name", BAD_PAGES)
@pytest.mark.parametrize("command", ["build", "script"])
def test_bad_input_is_one_line_exit_1_and_writes_nothing(tmp_path, command, name):
    out = tmp_path / "out"
    extra = ["-o", str(out)] if command == "build" else []
    result = run(command, str(PAGES / name), *AT, *ESPEAK, *extra)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_debug_shows_the_real_exception():
    result = run("script", str(PAGES / "leeg.txt"), "--debug")
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "InputError"


def test_unknown_engine_lists_the_valid_ones(tmp_path):
    result = run("build", str(PAGES / "kort.txt"), "--engine", "festival", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "espeak" in result.stderr


def test_bad_at_is_a_usage_error():
    result = run("script", str(PAGES / "kort.txt"), "--at", "vanmorgen")
    assert result.exit_code == 2
    assert "ISO-8601" in result.stderr


@pytest.mark.parametrize(
    ("args", "says", "command"),
    [
        (["script", "PAGE", "--at", "vanmorgen"], "'vanmorgen' is not an ISO-8601 time", "bulletin script"),
        (["script", "PAGE", "--at", "0001-01-01T00:00"], "outside the years 1970 to 2999", "bulletin script"),
        (["build", "PAGE", "--at", "9999-12-31T23:59"], "outside the years 1970 to 2999", "bulletin build"),
        (["script", "PAGE", "--max-duration", "nan"], "'nan' is not a finite number", "bulletin script"),
        (["build", "PAGE", "--max-duration", "inf"], "'inf' is not a finite number", "bulletin build"),
        (["build", "PAGE", "--engine", "festival"], "'festival' is not one of 'auto', ", "bulletin build"),
        (["script"], "Missing argument 'PAGE'", "bulletin script"),
        (["--bogus"], "No such option: --bogus", "bulletin"),
        (["bouw", "PAGE"], "No such command 'bouw'", "bulletin"),
    ],
)
def test_usage_mistakes_are_one_line_pointing_at_the_help(tmp_path, args, says, command):
    args = [str(PAGES / "kort.txt") if a == "PAGE" else a for a in args]
    out = ["-o", str(tmp_path / "out")] if args[0] == "build" else []
    result = run(*args, *out)
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and says in line and line.endswith(f"(see {command} --help)"), line
    assert not (tmp_path / "out").exists()


def _existing_config(tmp_path: Path) -> list[str]:
    (tmp_path / "bulletin.toml").write_text("", "utf-8")
    return ["init", str(tmp_path / "bulletin.toml")]


def _file_in_the_way(tmp_path: Path) -> list[str]:
    (tmp_path / "afile").write_text("", "utf-8")
    return ["say", "hallo", "--engine", "espeak", "-o", str(tmp_path / "afile" / "x.mp3")]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_existing_config, "bulletin.toml exists; use --force to overwrite it."),
        (lambda tmp_path: ["script", str(PAGES / "kort.txt"), "--config", str(tmp_path)], "is a folder, not a file"),
        (lambda tmp_path: ["serve", str(tmp_path / "nothere")], "nothere is not a folder"),
        (_file_in_the_way, "afile is a file, not a folder"),
    ],
)
def test_mistakes_that_are_not_usage_are_our_one_line_errors(tmp_path, make, says):
    result = run(*make(tmp_path))
    assert result.exit_code == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and says in line, line


def test_config_error_names_the_line(tmp_path):
    config = tmp_path / "bulletin.toml"
    config.write_text('[show]\ntitle = "x"\n\n[audio]\ngap_ms = "lang"\n', "utf-8")
    result = run("script", str(PAGES / "kort.txt"), "--config", str(config))
    assert result.exit_code == 1
    assert f"{config}:5:" in result.stderr and "gap_ms" in result.stderr


def test_crash_while_encoding_leaves_no_files(tmp_path, monkeypatch):
    from bulletin.formats.mp3 import Mp3Encoder

    def broken_writer(self, parts, path, rate):
        Path(path).write_bytes(b"\xff\xfb half an mp3")
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(Mp3Encoder, "join", broken_writer)
    out = tmp_path / "out"
    result = run("build", str(PAGES / "kort.txt"), *AT, *ESPEAK, "-o", str(out))
    assert result.exit_code == 70
    assert "Internal error" in result.stderr
    assert not out.exists()


def test_existing_bulletin_survives_a_failed_rebuild(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("build", str(PAGES / "kort.txt"), *AT, *ESPEAK, "-o", str(out)).exit_code == 0
    mp3 = out / "2026-11-27/nieuwsbulletin-binnenland-0815/nieuwsbulletin-binnenland-0815.mp3"
    before = mp3.read_bytes()

    from bulletin.formats.mp3 import Mp3Encoder

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Mp3Encoder, "join", full_disk)
    result = run("build", str(PAGES / "kort.txt"), *AT, *ESPEAK, "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: no space left on the device for {mp3.parent} (the earlier bulletin is as it was); "
        "free some space and build again."
    )
    assert mp3.read_bytes() == before
    assert len(list(mp3.parent.iterdir())) == 10 and not list(mp3.parent.glob(".*"))  # no temporary files


def test_python_dash_m_works():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "bulletin", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "bulletin" in done.stdout
