"""defaults.toml is the only place for default values: no stage repeats one.

Two ways a default gets written twice, both checked against the code itself:
a field or parameter named like a defaults.toml key with the same value as its
default, and a stage settings field that ``config.py`` fills from the
configuration but that also has a default of its own."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import tomllib
from importlib.resources import files
from typing import Any

import pytest

import bulletin
from bulletin.config import stages as cfg
from bulletin.formats import FORMATS
from bulletin.tts import ENGINES

DEFAULTS = tomllib.loads(files("bulletin.config").joinpath("defaults.toml").read_text("utf-8"))
KEYS = {
    (key, type(value), value)
    for table in DEFAULTS.values()
    for key, value in table.items()
    if not isinstance(value, list)
}  # a list default (allowed_hosts) is no parameter's default
NOT_IMPORTED = {"bulletin.__main__"}  # runs the command line when imported
# Named like a key and equal to its default, yet not a setting: what each holds instead.
NOT_SETTINGS = {
    "bulletin.audio.profiles.Profile: format = 'mp3'": "a profile's own format; Alexa's is MP3 whatever [audio] says",
    "bulletin.formats.inspection.Inspection: format = 'mp3'": "what a file read back turned out to be",
    "bulletin.publish.episode.Episode: language = 'nl'": "the language of manifests written before it was kept",
}


def _modules() -> list[Any]:
    names = [m.name for m in pkgutil.walk_packages(bulletin.__path__, "bulletin.") if m.name not in NOT_IMPORTED]
    return [importlib.import_module(name) for name in names]


def _defaults_of(obj: Any) -> list[tuple[str, Any]]:
    """(name, default) of a dataclass's fields and of a function's (or class's methods') parameters."""
    found: list[tuple[str, Any]] = []
    if dataclasses.is_dataclass(obj):
        found += [(f.name, f.default) for f in dataclasses.fields(obj) if f.default is not dataclasses.MISSING]
    functions = [m for _, m in inspect.getmembers(obj, inspect.isfunction)] if inspect.isclass(obj) else [obj]
    for function in functions:
        if dataclasses.is_dataclass(obj) and function.__name__ == "__init__":
            continue  # its defaults are the fields'
        if getattr(function, "__module__", "").startswith("bulletin"):
            parameters = inspect.signature(function).parameters.values()
            found += [(p.name, p.default) for p in parameters if p.default is not p.empty]
    return found


def repeated_defaults() -> list[str]:
    """Where a field or parameter named like a defaults.toml key defaults to that key's value."""
    repeated = []
    for module in _modules():
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            repeated += [
                f"{module.__name__}.{name}: {key} = {default!r}"
                for key, default in _defaults_of(obj)
                if (key, type(default), default) in KEYS
            ]
    return [where for where in repeated if where not in NOT_SETTINGS]


def _filled_by_config() -> list[tuple[type, str]]:
    """(dataclass, field) for every keyword config.stages passes when it builds a stage's settings."""
    tree = ast.parse(inspect.getsource(cfg))
    filled = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)):
        target = getattr(cfg, call.func.id, None)
        if inspect.isclass(target) and dataclasses.is_dataclass(target) and target is not cfg.Config:
            filled += [(target, k.arg) for k in call.keywords if k.arg is not None]
    return filled


def test_no_default_value_is_repeated_in_the_code():
    assert repeated_defaults() == []


def test_the_check_finds_a_repeated_default(monkeypatch):
    """The check above can fail: a function with ``[gtts] tries``'s value as its default is found."""

    def speak(tries: int = DEFAULTS["gtts"]["tries"]) -> None: ...

    speak.__module__ = cfg.__name__
    monkeypatch.setattr(cfg, "speak", speak, raising=False)
    assert repeated_defaults() == [f"bulletin.config.stages.speak: tries = {DEFAULTS['gtts']['tries']!r}"]


def test_stage_settings_take_their_values_from_the_configuration():
    filled = _filled_by_config()
    assert {cls.__name__ for cls, _ in filled} >= {"AudioSettings", "Gaps", "FetchSettings", "ScriptSettings"}
    with_default = [
        f"{cls.__name__}.{name}"
        for cls, name in filled
        if any(
            f.name == name and (f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING)
            for f in dataclasses.fields(cls)
        )
    ]
    assert with_default == []


SECTIONS = [(entry.name, entry.Section) for entry in [*ENGINES, *FORMATS] if entry.Section is not None]
BUILTIN = {*ENGINES.builtin, *FORMATS.builtin}


@pytest.mark.parametrize(("name", "section"), SECTIONS, ids=[name for name, _ in SECTIONS])
def test_declared_sections_take_their_defaults_from_the_defaults_file(name, section):
    """Bulletin's own engines' and formats' sections (``[gtts]``, ``[mp3]``) have every key in
    defaults.toml and no default of their own; a plugin's section brings a default for each key."""
    if name in BUILTIN:
        assert [f.name for f in dataclasses.fields(section)] == list(DEFAULTS[name])
        assert [f.name for f in dataclasses.fields(section) if f.default is not dataclasses.MISSING] == []
    else:
        assert name not in DEFAULTS
        assert [f.name for f in dataclasses.fields(section) if f.default is dataclasses.MISSING] == []
