"""Turn the bytes of a saved page into text, or say clearly why not.

Pages are UTF-8 (with or without a byte-order mark, LF or CRLF). Older
Windows tools save Windows-1252, which we accept with a warning. Anything
else (UTF-16, binary files, undecodable bytes) is refused; a stray control
character in real text is dropped. Files over the input cap are refused.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from bulletin.core.errors import InputError
from bulletin.core.plaintext import printable

log = logging.getLogger(__name__)

FALLBACK_ENCODING = "cp1252"
LATIN9 = "iso8859_15"
ENCODING_NAMES = {FALLBACK_ENCODING: "Windows-1252 (cp1252)", LATIN9: "ISO-8859-15 (Latin-9)"}
EURO_LATIN9 = b"\xa4"
WINDOWS_ONLY = re.compile(b"[\x80-\x9f]")
MAX_UTF8_BYTES = 4  # the longest UTF-8 sequence: a cut character leaves fewer at the end
# More than this share of control characters means the bytes are not prose
# (random bytes have about 12%); a stray one in a real page is tolerated.
MAX_CONTROL_SHARE = 0.05
# Unicode's control characters (category Cc: C0, DEL and C1) but tab, newline, form feed
# and return; one regular expression, not a Python call per character.
CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
OPENING_BYTES = 64  # enough to tell JSON, XML and text apart


def read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """A file's bytes (at most ``max_bytes``), or an InputError that says what is wrong."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            # One byte past the cap tells "too big" without reading the rest (or a pipe forever).
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file. Check the path and try again.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give the path of a saved news page.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}).") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(
            f"{path} is over the {max_bytes / 1e6:g} MB limit for input files; "
            "raise [input] max_mb if it really is a news page."
        )
    return data


def opening(data: bytes) -> bytes:
    """The first bytes of ``data`` after a BOM and white space, lower-cased, for sniffing its kind."""
    return data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:OPENING_BYTES].lower()


def path_part(location: str) -> str:
    """A file path or URL without its query, lower-cased, for judging its suffix."""
    return location.lower().split("?", 1)[0]


def read_text(path: str | Path) -> str:
    """Read a text file as a page would be read: decoded, newlines normalised."""
    return decode(read_bytes(path), str(path))


def decode(data: bytes, name: str) -> str:
    """Decode page bytes; newlines become ``\\n``."""
    if data.startswith(UTF16_BOMS):
        raise InputError(f"{name} is UTF-16 text; save it as UTF-8 and try again.")
    if b"\x00" in data:
        raise InputError(f"{name} holds binary data, not a text news page.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _cut_short(data, exc, name) or _legacy(data, exc, name)
    _refuse_binary(text, name)
    # The stray control characters a real page may hold go here, before any output sees them.
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


def _cut_short(data: bytes, exc: UnicodeDecodeError, name: str) -> str | None:
    """UTF-8 whose only fault is a character cut off at the very end (a page saved or sent short):
    the text before it, with a warning; None for anything else."""
    if exc.reason != "unexpected end of data" or len(data) - exc.start > MAX_UTF8_BYTES:
        return None
    log.warning("%s ends in the middle of a character (cut short?); that last character is dropped.", name)
    return data[: exc.start].decode("utf-8-sig")


def _legacy(data: bytes, exc: UnicodeDecodeError, name: str) -> str:
    """Text of the Windows era: Windows-1252, or ISO-8859-15 where the bytes say so (no byte in
    0x80-0x9F, which is prose in Windows-1252 and control codes in ISO-8859-15, and 0xA4, which is
    € in ISO-8859-15 and a currency sign nobody writes in Windows-1252)."""
    encoding = LATIN9 if EURO_LATIN9 in data and not WINDOWS_ONLY.search(data) else FALLBACK_ENCODING
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(
            f"{name} is neither UTF-8 nor Windows-1252 text (undecodable byte at offset {exc.start}); save it as UTF-8."
        ) from None
    log.warning("%s is not UTF-8; read it as %s.", name, ENCODING_NAMES[encoding])
    return text


def _refuse_binary(text: str, name: str) -> None:
    controls = sum(1 for _ in CONTROLS.finditer(text))
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise InputError(f"{name} holds binary data, not a text news page.")
