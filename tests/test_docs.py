"""What the documentation lists is what the registries hold: the command synopsis in the
README names every built-in engine, profile and format, and the starter file every source
kind and engine, in the registries' order."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.audio.profiles import PROFILES
from bulletin.config.loader import defaults_text
from bulletin.formats import FORMATS
from bulletin.sources import SOURCES
from bulletin.tts import ENGINES

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("option", "names"),
    [
        ("--engine", ["auto", *ENGINES.builtin]),
        ("--profile", list(PROFILES.builtin)),
        ("--format", list(FORMATS.builtin)),
    ],
)
def test_the_readme_synopsis_names_every_choice(option, names):
    assert f"[{option} {'|'.join(names)}]" in README


def test_the_starter_file_names_every_source_kind_engine_format_and_profile():
    text = defaults_text()
    assert f"source kind: {', '.join(SOURCES.builtin)}" in text
    assert f"({', '.join(ENGINES.builtin)})" in text
    assert f"a format: {', '.join(FORMATS.builtin)}" in text
    assert f"a loudness profile: {', '.join(PROFILES.builtin)}" in text
