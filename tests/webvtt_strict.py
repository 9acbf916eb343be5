"""The W3C WebVTT parser's rules that strict readers enforce (Node's `webvtt-parser`, `node-webvtt`
in strict mode), as a check: the problems it finds, empty for a valid file. Written here because
no strict validator installs from PyPI; the rules are the spec's (w3.org/TR/webvtt1, 6.1)."""

from __future__ import annotations

import re

ARROW = "-->"
TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t]+.*)?$")


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def problems(text: str) -> list[str]:
    """What a strict parser refuses in ``text``."""
    found: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    signature = lines[0].removeprefix("\ufeff")
    if not re.fullmatch(r"WEBVTT(?:[ \t].*)?", signature):
        return ["the file does not start with the WEBVTT signature"]
    if len(lines) > 1 and lines[1] != "":
        found.append("no blank line after the signature")
    blocks = [block for block in "\n".join(lines[1:]).split("\n\n") if block.strip("\n")]
    last_start = 0.0
    for number, block in enumerate(blocks, 1):
        rows = block.strip("\n").split("\n")
        if rows[0] == "NOTE" or rows[0].startswith(("NOTE ", "NOTE\t")):
            if ARROW in block:
                found.append(f"block {number}: a NOTE holds -->")
            continue
        if ARROW not in rows[0]:  # a cue identifier, then the timing
            if len(rows) < 2:
                found.append(f"block {number}: neither a cue nor a NOTE")
                continue
            rows = rows[1:]
        timing = TIMING.match(rows[0])
        if timing is None:
            found.append(f"block {number}: bad timing line {rows[0]!r}")
            continue
        start, end = _seconds(*timing.groups()[:4]), _seconds(*timing.groups()[4:])
        if end < start or start < last_start:
            found.append(f"block {number}: times out of order")
        last_start = start
        if any(ARROW in row for row in rows[1:]):
            found.append(f"block {number}: --> in the cue text")
    return found
