"""Turn the bytes of a saved page into text, or say clearly why not.

Pages are UTF-8 (with or without a byte-order mark, LF or CRLF). Older
Windows tools save Windows-1252, which we accept with a warning. Anything
else (UTF-16, binary files, undecodable bytes) is refused.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
from pathlib import Path

from bulletin.errors import InputError

log = logging.getLogger(__name__)

FALLBACK_ENCODING = "cp1252"
# More than this share of control characters means the bytes are not prose
# (random bytes have about 12%); a stray one in a real page is tolerated.
MAX_CONTROL_SHARE = 0.05
ALLOWED_CONTROLS = frozenset("\n\r\t\f")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
OPENING_BYTES = 64  # enough to tell JSON, XML and text apart


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or an InputError that says what is wrong with the path."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file. Check the path and try again.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give the path of a saved news page.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}).") from None


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
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _refuse_binary(text: str, name: str) -> None:
    controls = sum(
        1 for ch in text if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise InputError(f"{name} holds binary data, not a text news page.")
