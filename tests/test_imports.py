"""A build starts light: it imports what it uses and nothing more, checked in a fresh process
as a user runs `bulletin build` (a module imported in this test process proves nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PAGES, modules_after

# What a build never uses: the server, S3 (and boto3), the feeds, the studio, publishing, and the
# asyncio an online engine's client needs.
NEVER = (
    "http.server",
    "boto3",
    "botocore",
    "bulletin.publish.s3",
    "bulletin.publish.feed",
    "bulletin.publish.site",
    "bulletin.publish.server",
    "bulletin.build.publishing",
    "bulletin.storage.lease",
    "bulletin.studio",
    "fastapi",
    "uvicorn",
    "jinja2",
    "asyncio",
    "aiohttp",
    "edge_tts",
    "gtts",
)
# num2words' Dutch converter and the base classes it derives from; none of its other languages.
NUM2WORDS_DUTCH = {"num2words.lang_NL", "num2words.lang_EU"}
DRAWING = "PIL.ImageDraw"


def modules_of_build(folder: Path, *options: str) -> set[str]:
    """The modules a `bulletin build` of kort.txt imports, in a process of its own."""
    build = [str(PAGES / "kort.txt"), "--engine", "espeak", "--at", "2026-11-27T08:00", "-q", *options]
    done, modules = modules_after(folder, "build", *build)
    assert done.returncode == 0, done.stderr
    return modules


def test_a_cold_build_imports_only_what_it_uses(tmp_path):
    cold = modules_of_build(tmp_path)
    assert "numpy" in cold and "lameenc" in cold  # it masters and encodes: these it needs
    assert sorted(m for m in NEVER if m in cold or any(n.startswith(f"{m}.") for n in cold)) == []
    languages = {m for m in cold if m.startswith("num2words.lang_")}
    assert languages == NUM2WORDS_DUTCH
    assert DRAWING in cold  # the first build draws the cover


def test_a_build_with_its_cover_cached_loads_no_drawing_code(tmp_path):
    modules_of_build(tmp_path)  # draws the cover for the show, the day and the hour
    again = modules_of_build(tmp_path, "--no-sounders")  # other parts, so mastering runs again
    assert "numpy" in again and "lameenc" in again
    assert DRAWING not in again


def test_num2words_whole_package_still_works_after_dutch_alone():
    """The Dutch converter is loaded under a bare package; `import num2words` afterwards, in the
    same process, still gets every language (and the same numbers)."""
    program = (
        "from bulletin.script.numbers import cardinal, ordinal;"
        "words = (cardinal(413), ordinal(21));"
        "from num2words import num2words;"
        "assert words == (num2words(413, lang='nl'), num2words(21, lang='nl', to='ordinal')), words;"
        "print(num2words(5, lang='de'))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fünf"
