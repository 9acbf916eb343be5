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
        try:
            text = data.decode(FALLBACK_ENCODING)
        except UnicodeDecodeError:
            raise InputError(
                f"{name} is neither UTF-8 nor Windows-1252 text "
                f"(undecodable byte at offset {exc.start}); save it as UTF-8."
            ) from None
        log.warning("%s is not UTF-8; read it as Windows-1252 (cp1252).", name)
    _refuse_binary(text, name)
    # The stray control characters a real page may hold go here, before any output sees them.
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


def _refuse_binary(text: str, name: str) -> None:
    controls = sum(1 for _ in CONTROLS.finditer(text))
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise InputError(f"{name} holds binary data, not a text news page.")
