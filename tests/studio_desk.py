"""The studio in-process, for its tests: bulletins built once per module with the command line
(into a template folder that each test copies), and a TestClient on the studio's own address."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from bulletin.config import Config, load_config
from bulletin.studio.app import make_app
from bulletin.studio.auth import Auth
from conftest import PAGES, run

HOST = "127.0.0.1"
ADDRESS = f"http://{HOST}:8642"  # TestClient's own http://testserver is not a name the studio answers to
BASE = "https://example.org/nieuws/"
EARLY, LATE = "2026-11-27T07:15", "2026-11-27T08:15"
PASSWORD = "correct horse battery"


def build_template(factory: pytest.TempPathFactory, builds: list[tuple[Path, str]]) -> Path:
    """An output folder with a draft built from each ``(page, at)`` by ``bulletin build --draft``,
    made in a folder of its own with its own cache (the per-test isolation is not set up yet)."""
    root = factory.mktemp("template")
    out = root / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            patch.setenv(name, str(root / name.lower()))
        for page, at in builds:
            result = run("build", page, "--engine", "espeak", "--at", at, "-o", out, "-q", "--draft")
            assert result.exit_code == 0, result.stderr
    return out


def two_drafts(factory: pytest.TempPathFactory) -> Path:
    """The usual desk: two drafts of the same page, at 07:15 and at 08:15."""
    return build_template(factory, [(PAGES / "kort.txt", EARLY), (PAGES / "kort.txt", LATE)])


@dataclass
class Studio:
    """A studio on a copy of a template's output folder."""

    out: Path
    config: Config
    auth: Auth
    client: TestClient

    def folders(self) -> list[Path]:
        """The bulletins' own folders on disk (not a symlink's), oldest first."""
        manifests = self.out.glob("*/*/*.episode.json")
        return sorted(p.parent for p in manifests if not (p.parent.is_symlink() or p.parent.parent.is_symlink()))

    def ids(self) -> list[str]:
        """The bulletins' ids (their folders under the output folder), oldest first."""
        return [p.relative_to(self.out).as_posix() for p in self.folders()]

    @property
    def late(self) -> str:
        """The newest bulletin's id."""
        return self.ids()[-1]

    @property
    def early(self) -> str:
        """The oldest bulletin's id."""
        return self.ids()[0]

    def folder(self, ident: str) -> Path:
        return self.out / ident

    def file(self, ident: str, suffix: str) -> Path:
        """The bulletin's own file with ``suffix`` (".mp3", ".episode.json")."""
        folder = self.folder(ident)
        return folder / f"{folder.name}{suffix}"

    def manifest(self, ident: str) -> dict[str, Any]:
        return json.loads(self.file(ident, ".episode.json").read_text("utf-8"))

    def state(self, ident: str) -> str:
        return str(self.manifest(ident)["state"])

    def versions_dir(self, ident: str) -> Path:
        return self.out / ".studio" / "versions" / ident

    def edited(self, ident: str, change: Any) -> bytes:
        """The bulletin's current script (from the API) with ``change(script)`` applied, as JSON."""
        script = self.client.get(f"/api/bulletins/{ident}").json()
        change(script)
        return json.dumps(script, ensure_ascii=False).encode("utf-8")

    def save(self, ident: str, change: Any) -> Any:
        """Save the script changed by ``change`` over the current one (the API's answer)."""
        current = self.client.get(f"/api/bulletins/{ident}")
        script = current.json()
        change(script)
        return self.client.put(
            f"/api/bulletins/{ident}/script", content=json.dumps(script), headers={"If-Match": current.headers["ETag"]}
        )


def open_studio(
    tmp_path: Path,
    template: Path,
    *,
    auth: Auth | None = None,
    host: str = HOST,
    settings: dict[str, Any] | None = None,
    **client: Any,
) -> Studio:
    """The studio (as ``bulletin studio`` makes it) on a copy of ``template``, with espeak and a
    lexicon of the test's own."""
    out = tmp_path / "out"
    shutil.copytree(template, out, symlinks=True)
    config = load_config(
        None,
        {
            "output.dir": str(out),
            "voice.engine": "espeak",
            "voice.lexicon": str(tmp_path / "lexicon.toml"),
            **(settings or {}),
        },
    )
    auth = auth if auth is not None else Auth.load(tmp_path / "auth.json")
    app = make_app(config, auth, host=host)
    return Studio(out, config, auth, TestClient(app, base_url=ADDRESS, **client))


def lead_text(change: str) -> Any:
    """A change to a script: ``change`` added to the lead story's text."""

    def changed(script: dict[str, Any]) -> None:
        lead = next(s for s in script["segments"] if s["kind"] == "lead")
        lead["text"] += " " + change

    return changed


def feed(out: Path) -> Any:
    """The show's feed as a podcast app reads it."""
    return feedparser.parse((out / "feed.xml").read_bytes())


def csrf_of(html: str) -> str:
    """The CSRF token a page carries for its scripts (``<meta name="csrf-token">``)."""
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def login_csrf_of(html: str) -> str:
    """The CSRF token of the login form (its hidden field)."""
    found = re.search(r'<input type="hidden" name="csrf" value="([^"]+)"', html)
    assert found, "the login page has no CSRF field"
    return found.group(1)
