"""The layout shows the pipeline: a package imports only from the packages below it (or
itself), never from one above or beside it. Read from the source's own import statements,
those inside functions (imported when used) included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bulletin

ROOT = Path(bulletin.__file__).parent
# Lowest first. A package may import from any package in an earlier layer, and from itself.
LAYERS: list[set[str]] = [
    {"core"},  # errors, the data between stages, schema, registry, small leaves
    {"text", "storage"},  # sentences and addresses; files, locks and stores
    {"media"},  # ffmpeg, the independent meter, cover art
    {"formats", "sources", "script", "tts"},  # each stage on its own: none of them knows another
    {"audio", "casting"},  # mastering (into the formats); who speaks (with the engines)
    {"publish"},  # the output folder as feeds and a site
    {"config"},  # the settings, and what each stage is given
    {"build"},  # the stages in order
    {"studio"},  # the newsroom's desk: an HTTP API and pages over build
    {"cli"},  # the command line
]
LAYER_OF = {package: number for number, layer in enumerate(LAYERS) for package in layer}
TOP_MODULES = {"__init__", "__main__"}  # the public API and ``python -m bulletin``: above everything


def _package(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _imported_packages(path: Path) -> set[tuple[str, int]]:
    """(bulletin package, line) for every import of bulletin's own in ``path``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "bulletin" and len(parts) > 1 and parts[1] in LAYER_OF:
                found.add((parts[1], node.lineno))
    return found


def _violations() -> list[str]:
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        package = _package(path)
        if package in TOP_MODULES:
            continue
        assert package in LAYER_OF, f"{package}/ is in no layer: add it to LAYERS"
        for imported, line in sorted(_imported_packages(path)):
            if imported != package and LAYER_OF[imported] >= LAYER_OF[package]:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports bulletin.{imported}")
    return problems


def test_no_package_imports_one_above_or_beside_it():
    assert _violations() == []


def test_the_check_finds_an_import_upwards(tmp_path, monkeypatch):
    """The check can fail: a module of the text package that imports the script stage is found."""
    fake_root = tmp_path / "bulletin"
    (fake_root / "text").mkdir(parents=True)
    (fake_root / "text" / "words.py").write_text("def f():\n    from bulletin.script import assemble\n", "utf-8")
    monkeypatch.setattr(__import__(__name__), "ROOT", fake_root)
    assert _violations() == ["text/words.py:2 imports bulletin.script"]


@pytest.mark.parametrize("package", sorted(LAYER_OF))
def test_every_layer_is_a_package_of_its_own(package):
    assert (ROOT / package / "__init__.py").is_file()
