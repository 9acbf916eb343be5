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
