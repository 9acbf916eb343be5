"""Another party's engine, source kind and format, added through entry points alone
(``tests/fixtures/plugin``: a package with a dist-info that names them), reach every part of
bulletin that lists or uses such things, and pass the same tests bulletin's own do, with no
file of bulletin or of its tests changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bulletin.formats import FORMATS
from bulletin.tts import ENGINES
from conftest import FIXTURES, decode, lufs, need_tool

PLUGIN = FIXTURES / "plugin"
TESTS = Path(__file__).parent
AT = "2026-11-27T08:15"
MARKDOWN = """# Nieuwe brug over de IJssel geopend
In Zutphen is vanochtend de nieuwe fietsbrug over de IJssel geopend.
De brug verbindt de binnenstad met de nieuwe wijk aan de overkant van de rivier.
## DEVENTER
De boekenmarkt is dit jaar verplaatst naar de zomer.
## ZWOLLE
Het station krijgt een extra fietsenstalling met plaats voor duizend fietsen.
"""


def with_plugin(*args: str, cwd: Path, extra: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with the plugin installed (on the path), in ``cwd`` with its own cache."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(p) for p in (PLUGIN, extra) if p),
        "XDG_CACHE_HOME": str(cwd / "cache"),
        "XDG_DATA_HOME": str(cwd / "data"),
    }
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_the_plugin_is_listed_where_bulletin_lists_its_own(tmp_path):
    shown = with_plugin("-m", "bulletin", "build", "--help", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"[{'|'.join(['auto', *ENGINES.builtin, 'tone'])}]" in shown.stdout  # bulletin's own, then the plugin's
    assert f"[{'|'.join([*FORMATS.builtin, 'flac'])}]" in shown.stdout
    text = " ".join(shown.stdout.split())  # as the help wraps it
    assert "tone: a beep per word" in text and "news written as Markdown" in text and "flac: FLAC" in text
    listed = with_plugin("-m", "bulletin", "voices", cwd=tmp_path)
    assert "tone-nl: A beep per word (tone, nl, offline) - ready" in listed.stdout, listed.stderr
    starter = with_plugin("-m", "bulletin", "init", cwd=tmp_path)
    assert starter.returncode == 0 and "[flac]" in (tmp_path / "bulletin.toml").read_text("utf-8")


def test_a_bulletin_from_the_plugins_source_read_by_its_engine_in_its_format(tmp_path):
    (tmp_path / "nieuws.md").write_text(MARKDOWN, "utf-8")
    # Named as the plugin's kind: whatever else claims .md files, this source is the plugin's.
    (tmp_path / "bulletin.toml").write_text('[[sources]]\nname = "md"\nlocation = "nieuws.md"\nkind = "markdown"\n')
    built = with_plugin(
        "-m",
        "bulletin",
        "build",
        "nieuws.md",
        "--engine",
        "tone",
        "--format",
        "flac",
        "--at",
        AT,
        "-o",
        "out",
        "-q",
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    path = tmp_path / built.stdout.strip()
    assert path.suffix == ".flac"
    probed = json.loads(
        subprocess.run(
            [need_tool("ffprobe"), "-v", "error", "-show_chapters", "-of", "json", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )["chapters"]
    assert [c["tags"]["title"] for c in probed][:2] == ["Opening", "Nieuwe brug over de IJssel geopend"]
    assert len(probed) == 5  # intro, lead, two briefs, outro
    assert lufs(decode(path)) == pytest.approx(-16, abs=1)
    script = json.loads(path.with_name(path.stem + ".json").read_text("utf-8"))
    assert script["section"] == "Markdown" and "tone 1.0" in (
        path.with_name(path.stem + ".episode.json").read_text("utf-8")
    )
    # The plugin's section is configured like any other, checked with its file and line.
    (tmp_path / "bulletin.toml").write_text("[tone]\nword_ms = 0\n", "utf-8")  # (the source as sniffed now)
    refused = with_plugin("-m", "bulletin", "script", "nieuws.md", "--engine", "tone", cwd=tmp_path)
    assert refused.returncode == 1 and "bulletin.toml:2: [tone] word_ms must be more than 0" in refused.stderr


SUITE_WITH_PLUGIN = [
    "test_formats.py",
    "test_config.py",
    "test_defaults_once.py",
    "test_espeak.py",
    "test_docs.py",
    "test_layers.py",
]


@pytest.mark.slow  # runs parts of the suite again, with the plugin installed
def test_bulletins_own_tests_take_the_plugin_in_unchanged(tmp_path):
    """The tests of formats, configuration, defaults, the engine registry, the docs and the layers
    are made from the registries: with the plugin installed they test its format and sections
    too, as written."""
    files = [str(TESTS / name) for name in SUITE_WITH_PLUGIN]
    common = ["-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--rootdir", str(TESTS.parent)]
    result = with_plugin(*common, "-q", *files, cwd=tmp_path, extra=TESTS)
    assert result.returncode == 0, result.stdout[-3000:]
    collected = with_plugin(*common, "--collect-only", "-q", *files, cwd=tmp_path, extra=TESTS).stdout
    assert "test_formats.py::test_the_file_is_in_its_format_and_meets_the_profile[flac]" in collected
    assert (
        "test_config.py::test_every_key_an_engine_or_format_declares_is_checked_with_file_and_line[tone-word_ms]"
        in (collected)
    )


def test_a_broken_plugin_is_one_line_and_stops_nothing_else(tmp_path):
    broken = tmp_path / "broken"
    info = broken / "bulletin_broken-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bulletin-broken\nVersion: 1.0\n", "utf-8")
    (info / "entry_points.txt").write_text("[bulletin.engines]\nhum = bulletin_broken.nowhere:Engine\n", "utf-8")
    work = tmp_path / "work"
    work.mkdir()
    shown = with_plugin("-m", "bulletin", "build", "--help", cwd=work, extra=broken)
    assert shown.returncode == 0 and "|hum|" in shown.stdout  # a plugin that does not load is still named
    used = with_plugin(
        "-m", "bulletin", "script", str(FIXTURES / "pages" / "kort.txt"), "--engine", "hum", cwd=work, extra=broken
    )
    assert used.returncode == 1, used.stderr  # a mistake in what is installed, not an engine that failed
    *warnings, error = used.stderr.strip().splitlines()  # any other command warns that it is broken
    assert error.startswith("Error: the speech engine 'hum' (bulletin_broken.nowhere:Engine) cannot be loaded")
    assert all(line.startswith("warning: ") for line in warnings)
    works = with_plugin(
        "-m", "bulletin", "script", str(FIXTURES / "pages" / "kort.txt"), "--engine", "espeak", cwd=work, extra=broken
    )
    assert works.returncode == 0 and works.stderr.startswith("warning: the speech engine 'hum'"), works.stderr
