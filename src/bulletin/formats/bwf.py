"""Broadcast WAV (EBU Tech 3285 v2) on the standard library alone: writing a
PCM file with its ``bext`` chunk, cue points with labels and an INFO list,
and reading them back (for ``bulletin inspect``).

A ``JUNK`` chunk the size of ``ds64`` comes first, so that a tool that lets the file
grow past 4 GB can turn it into RF64 (EBU Tech 3306) in place; a file whose RIFF
size would pass 4 GB is written as RF64 at once: ``ds64`` holds the 64-bit sizes
and the 32-bit fields say 0xFFFFFFFF. Every chunk is padded to an even length.

Text: ``bext`` is ASCII, as the specification asks ("€" as "EUR", "ø" as "o").
Labels and INFO have no encoding of their own; playout systems and BWF MetaEdit
read them in Windows' code page 1252, MediaInfo as Latin-1, so they are written
in CP1252 (a character it lacks transliterated) and a ``CSET`` chunk says so. For
the readers that take more, an ``id3 `` chunk carries the tags in Unicode (MediaInfo
and TagLib show its title).
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from bulletin.core.errors import AudioError, InputError
from bulletin.core.plaintext import printable, transliterated

PCM = 1  # WAVE_FORMAT_PCM
RIFF_LIMIT = 0xFFFFFFFF  # largest size a RIFF (not RF64) header can hold
SIZE_IN_DS64 = 0xFFFFFFFF
CHUNK_HEADER = struct.Struct("<4sI")
FMT = struct.Struct("<HHIIHH")  # format tag, channels, rate, bytes/s, block align, bits
DS64 = struct.Struct("<QQQI")  # RIFF size, data size, sample count, table length
CUE_POINT = struct.Struct("<II4sIII")  # id, position, chunk, chunk start, block start, sample offset
# bext, version 2: the 602-byte fixed part, then the coding history.
BEXT = struct.Struct("<256s32s32s10s8sQH64shhhhh180s")
BEXT_VERSION = 2
LOUDNESS_UNKNOWN = 0x7FFF  # what Tech 3285 asks for a loudness field that was not measured
LOUDNESS_SCALE = 100  # the fields hold the value times 100
SECONDS_PER_DAY = 86400
COPY_BLOCK = 1 << 20
WAV_MAGIC = (b"RIFF", b"RF64")
# CSET (RIFF 1991): code page, country, language, dialect; 0 leaves the last three unsaid.
CSET = struct.Struct("<HHHH")
CODE_PAGE = 1252  # Windows Western European: what playout systems read INFO in
CODECS = {CODE_PAGE: "cp1252", 65001: "utf-8", 28591: "latin-1"}  # code pages a CSET may name
UNDECLARED = "utf-8"  # what a file without CSET most likely holds today (ffmpeg writes UTF-8)
ID3_CHUNK = b"id3 "


@dataclass(frozen=True)
class PcmFormat:
    """Linear PCM, little-endian, interleaved."""

    rate: int
    bits: int
    channels: int = 1

    @property
    def block_align(self) -> int:
        """Bytes per sample frame."""
        return self.channels * self.bits // 8


@dataclass(frozen=True)
class Bext:
    """The broadcast audio extension chunk's fields (loudness in LUFS, LU and dBTP)."""

    description: str
    originator: str
    originator_reference: str
    origination: datetime  # in the show's time zone
    time_reference: int  # samples since midnight at the start of the file
    loudness_value: float | None = None
    loudness_range: float | None = None
    max_true_peak: float | None = None
    coding_history: str = ""


@dataclass(frozen=True)
class CuePoint:
    """A marker: where (in samples) and what."""

    position: int
    label: str


@dataclass(frozen=True)
class WavMetadata:
    """Everything written around the audio."""

    bext: Bext | None = None
    cues: Sequence[CuePoint] = ()
    info: dict[str, str] = field(default_factory=dict)  # INFO ids (INAM, IART ...) to text
    id3: bytes = b""  # an ID3v2 tag (the tags in Unicode) for an ``id3 `` chunk


@dataclass(frozen=True)
class WaveFile:
    """What a WAV file holds, as read back."""

    format: PcmFormat
    data_offset: int
    data_size: int
    rf64: bool
    metadata: WavMetadata

    @property
    def samples(self) -> int:
        """Sample frames in the data chunk."""
        return self.data_size // self.format.block_align

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return self.samples / self.format.rate


def _one_line(text: str) -> str:
    """Text for a one-line field: no control characters, line breaks as spaces."""
    return " ".join(printable(text).split())


def _fixed(text: str, size: int) -> bytes:
    return transliterated(_one_line(text)).encode()[:size]  # struct pads with NULs


def _code_page(text: str) -> bytes:
    """``text`` for a label or INFO string: CP1252, a character it lacks in ASCII, NUL-ended."""
    return transliterated(_one_line(text), CODECS[CODE_PAGE]).encode(CODECS[CODE_PAGE]) + b"\0"


def _loudness(value: float | None) -> int:
    return LOUDNESS_UNKNOWN if value is None else round(value * LOUDNESS_SCALE)


def _chunk(chunk_id: bytes, body: bytes) -> bytes:
    return CHUNK_HEADER.pack(chunk_id, len(body)) + body + (b"\0" if len(body) % 2 else b"")


def _bext(bext: Bext) -> bytes:
    fixed = BEXT.pack(
        _fixed(bext.description, 256),
        _fixed(bext.originator, 32),
        _fixed(bext.originator_reference, 32),
        bext.origination.strftime("%Y-%m-%d").encode(),
        bext.origination.strftime("%H:%M:%S").encode(),
        bext.time_reference,
        BEXT_VERSION,
        b"",
        _loudness(bext.loudness_value),
        _loudness(bext.loudness_range),
        _loudness(bext.max_true_peak),
        LOUDNESS_UNKNOWN,
        LOUDNESS_UNKNOWN,
        b"",
    )
    return _chunk(b"bext", fixed + transliterated(bext.coding_history).encode())


def _cues(cues: Sequence[CuePoint]) -> bytes:
    points = b"".join(CUE_POINT.pack(i, c.position, b"data", 0, 0, c.position) for i, c in enumerate(cues, 1))
    labels = b"".join(_chunk(b"labl", struct.pack("<I", i) + _code_page(c.label)) for i, c in enumerate(cues, 1))
    return _chunk(b"cue ", struct.pack("<I", len(cues)) + points) + _chunk(b"LIST", b"adtl" + labels)


def _info(info: dict[str, str]) -> bytes:
    items = b"".join(_chunk(key.encode(), _code_page(value)) for key, value in info.items() if value)
    return _chunk(b"LIST", b"INFO" + items) if items else b""


def _header(fmt: PcmFormat, meta: WavMetadata, data_size: int, limit: int) -> bytes:
    """Everything before the audio: RIFF (or RF64) header, format, metadata, the data chunk's header."""
    texts = bool(meta.cues or any(meta.info.values()))
    body = (
        _chunk(b"fmt ", FMT.pack(PCM, fmt.channels, fmt.rate, fmt.rate * fmt.block_align, fmt.block_align, fmt.bits))
        + (_chunk(b"CSET", CSET.pack(CODE_PAGE, 0, 0, 0)) if texts else b"")
        + (_bext(meta.bext) if meta.bext else b"")
        + (_chunk(ID3_CHUNK, meta.id3) if meta.id3 else b"")
        + (_cues(meta.cues) if meta.cues else b"")
        + _info(meta.info)
    )
    # ds64 or, in a RIFF file, a JUNK chunk of its size in its place: same layout either way
    riff_size = 4 + CHUNK_HEADER.size + DS64.size + len(body) + CHUNK_HEADER.size + data_size + data_size % 2
    if riff_size <= limit:
        junk = _chunk(b"JUNK", bytes(DS64.size))
        return CHUNK_HEADER.pack(b"RIFF", riff_size) + b"WAVE" + junk + body + CHUNK_HEADER.pack(b"data", data_size)
    ds64 = _chunk(b"ds64", DS64.pack(riff_size, data_size, data_size // fmt.block_align, 0))
    return CHUNK_HEADER.pack(b"RF64", SIZE_IN_DS64) + b"WAVE" + ds64 + body + CHUNK_HEADER.pack(b"data", SIZE_IN_DS64)


def write_wave(
    path: Path, fmt: PcmFormat, data: Iterable[bytes], meta: WavMetadata | None = None, limit: int = RIFF_LIMIT
) -> None:
    """Write the PCM ``data`` (pieces, in order, read once) as a WAV at ``path``, RF64 when larger
    than ``limit``. The pieces are spooled beside it first, since the header names their size:
    memory holds one piece at a time, whatever the length."""
    with tempfile.TemporaryFile(dir=path.parent) as spool:
        size = 0
        for piece in data:
            spool.write(piece)
            size += len(piece)
        spool.seek(0)
        with open(path, "wb") as out:
            out.write(_header(fmt, meta or WavMetadata(), size, limit))
            _copy(spool, out, size)
            if size % 2:
                out.write(b"\0")


def set_metadata(path: Path, meta: WavMetadata, limit: int = RIFF_LIMIT) -> None:
    """Rewrite the WAV at ``path`` with ``meta`` around its audio (atomically: a failure leaves it as it was)."""
    wave = read_wave(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as source:
            out.write(_header(wave.format, meta, wave.data_size, limit))
            source.seek(wave.data_offset)
            _copy(source, out, wave.data_size)
            if wave.data_size % 2:
                out.write(b"\0")
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _copy(source: BinaryIO, out: BinaryIO, size: int) -> None:
    left = size
    while left:
        block = source.read(min(COPY_BLOCK, left))
        if not block:
            raise AudioError(f"{source.name} ends before its audio does.")
        out.write(block)
        left -= len(block)


# --- reading ----------------------------------------------------------------------


def _text(raw: bytes, codec: str = CODECS[CODE_PAGE]) -> str:
    return raw.split(b"\0", 1)[0].decode(codec, errors="replace")


def _declared(raw: bytes, code_page: int | None) -> str:
    """A label or INFO string in the code page its file's CSET names; without one, UTF-8
    (as ffmpeg and earlier bulletins wrote) or, failing that, CP1252."""
    if code_page is not None:
        return _text(raw, CODECS.get(code_page, CODECS[CODE_PAGE]))
    try:
        return raw.split(b"\0", 1)[0].decode(UNDECLARED)
    except UnicodeDecodeError:
        return _text(raw, CODECS[CODE_PAGE])


def _read_bext(body: bytes) -> Bext:
    (
        description,
        originator,
        reference,
        date,
        time,
        time_reference,
        _version,
        _umid,
        loudness,
        loudness_range,
        true_peak,
        _momentary,
        _short_term,
        _reserved,
    ) = BEXT.unpack_from(body)

    def level(value: int) -> float | None:
        return None if value == LOUDNESS_UNKNOWN else value / LOUDNESS_SCALE

    try:
        origination = datetime.fromisoformat(f"{_text(date)}T{_text(time)}")
    except ValueError:
        origination = datetime.min
    return Bext(
        _text(description),
        _text(originator),
        _text(reference),
        origination,
        time_reference,
        level(loudness),
        level(loudness_range),
        level(true_peak),
        _text(body[BEXT.size :]),
    )


def read_wave(path: Path) -> WaveFile:
    """The format, audio location and metadata of a WAV, RF64 or Broadcast WAV file."""
    try:
        handle = open(path, "rb")  # noqa: SIM115  (closed by the with below; only opening is guarded)
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}.") from None
    with handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] not in WAV_MAGIC or header[8:12] != b"WAVE":
            raise InputError(f"{path} is not a WAV file.")
        end = os.fstat(handle.fileno()).st_size
        ds64_data: int | None = None
        fmt: PcmFormat | None = None
        data: tuple[int, int] | None = None
        bext: Bext | None = None
        positions: dict[int, int] = {}
        labels: dict[int, bytes] = {}
        info: dict[str, bytes] = {}
        code_page: int | None = None
        position = handle.tell()
        while position + CHUNK_HEADER.size <= end:
            handle.seek(position)
            chunk_id, size = CHUNK_HEADER.unpack(handle.read(CHUNK_HEADER.size))
            if chunk_id == b"data" and size == SIZE_IN_DS64 and ds64_data is not None:
                size = ds64_data
            offset = position + CHUNK_HEADER.size
            position = offset + size + size % 2
            if chunk_id == b"data":
                data = (offset, min(size, end - offset))
                continue
            handle.seek(offset)
            body = handle.read(min(size, end - offset))
            if chunk_id == b"ds64":
                ds64_data = DS64.unpack_from(body)[1]
            elif chunk_id == b"fmt ":
                _tag, channels, rate, _bytes_per_s, _align, bits = FMT.unpack_from(body)
                fmt = PcmFormat(rate, bits, channels)
            elif chunk_id == b"CSET" and len(body) >= CSET.size:
                code_page = CSET.unpack_from(body)[0]
            elif chunk_id == b"bext" and len(body) >= BEXT.size:
                bext = _read_bext(body)
            elif chunk_id == b"cue ":
                count = struct.unpack_from("<I", body)[0]
                for index in range(count):
                    cue_id, _position, _chunk_id, _start, _block, offset_in_data = CUE_POINT.unpack_from(
                        body, 4 + index * CUE_POINT.size
                    )
                    positions[cue_id] = offset_in_data
            elif chunk_id == b"LIST" and body[:4] in (b"adtl", b"INFO"):
                at = 4
                while at + CHUNK_HEADER.size <= len(body):
                    sub_id, sub_size = CHUNK_HEADER.unpack_from(body, at)
                    sub = body[at + CHUNK_HEADER.size : at + CHUNK_HEADER.size + sub_size]
                    if sub_id == b"labl":
                        labels[struct.unpack_from("<I", sub)[0]] = sub[4:]
                    elif body[:4] == b"INFO":
                        info[sub_id.decode("ascii", errors="replace")] = sub
                    at += CHUNK_HEADER.size + sub_size + sub_size % 2
        if fmt is None or data is None:
            raise InputError(f"{path} is a WAV file without {'a format' if fmt is None else 'audio'}.")
    cues = [
        CuePoint(positions[i], _declared(labels.get(i, b""), code_page))
        for i in sorted(positions, key=lambda i: positions[i])
    ]
    texts = {key: _declared(raw, code_page) for key, raw in info.items()}
    return WaveFile(fmt, data[0], data[1], header[:4] == b"RF64", WavMetadata(bext, cues, texts))
