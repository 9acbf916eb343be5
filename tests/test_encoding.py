"""Reading page files: the encodings we accept and the ones we refuse."""

from __future__ import annotations

import logging

import pytest

from bulletin.core.errors import InputError
from bulletin.sources.encoding import decode, read_text


def test_utf8_bom_and_crlf_read_like_plain_utf8(page):
    plain = read_text(page("kort.txt"))
    assert read_text(page("kort-bom-crlf.txt")) == plain
    assert "\r" not in plain and not plain.startswith("\ufeff")


def test_cp1252_is_read_with_a_warning(page, caplog):
    with caplog.at_level(logging.WARNING):
        text = read_text(page("kort-cp1252.txt"))
    assert "‘Texelstroom’" in text and "€" in text
    assert any("Windows-1252" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("kort-utf16.txt", "UTF-16"),
        ("rommel.bin", "binary"),
        ("onleesbaar.txt", "neither UTF-8 nor Windows-1252"),
        ("bestaat-niet.txt", "no such file"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(page, name, says):
    with pytest.raises(InputError, match=says):
        read_text(page(name))


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)


def test_control_characters_in_small_doses_are_tolerated_and_dropped():
    assert decode(b"Kop\nTekst met een \x0c formfeed.\n", "p") == "Kop\nTekst met een  formfeed.\n"


PAGE = "Oekraïne krijgt € 5 miljoen, zegt Zoë.\n"
DASHED = "Oekraïne krijgt € 5 miljoen – zegt Zoë.\n"  # the dash is in Windows-1252, not in ISO-8859-15


@pytest.mark.parametrize(
    ("data", "text", "warning"),
    [
        (DASHED.encode() + "€".encode()[:2], DASHED, "ends in the middle of a character"),  # UTF-8 cut short
        (PAGE.encode() + "ï".encode()[:1], PAGE, "ends in the middle of a character"),
        (PAGE.encode("iso8859_15"), PAGE, "ISO-8859-15"),  # € is 0xA4
        (DASHED.encode("cp1252"), DASHED, "Windows-1252"),  # € is 0x80, – is 0x96
        ("Prijs: 5 ¤\n".encode("cp1252"), "Prijs: 5 €\n", "ISO-8859-15"),  # 0xA4 without Windows' bytes
    ],
    ids=["utf-8 cut in a 3-byte character", "utf-8 cut in a 2-byte character", "iso-8859-15", "cp1252", "a lone 0xA4"],
)
def test_legacy_and_cut_short_pages_keep_their_text(caplog, data, text, warning):
    with caplog.at_level(logging.WARNING):
        assert decode(data, "p") == text
    (record,) = caplog.records
    assert warning in record.getMessage()


def test_a_bad_byte_inside_utf8_is_not_taken_for_a_cut():
    """Only a character cut off at the very end is dropped; a bad byte earlier is another encoding."""
    assert decode(b"caf\xe9 au lait\n", "p") == "café au lait\n"
