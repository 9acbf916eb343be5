from collections.abc import Callable, ItemsView, Iterable
from enum import IntFlag
from typing import Any, BinaryIO

from mutagen import MutagenError

class ID3NoHeaderError(MutagenError, ValueError): ...

class Frame:
    FrameID: str
    def __init__(self, **kwargs: Any) -> None: ...

class TextFrame(Frame):
    text: list[str]

class TIT2(TextFrame): ...
class TPE1(TextFrame): ...
class TALB(TextFrame): ...
class TYER(TextFrame): ...
class TDAT(TextFrame): ...
class TIME(TextFrame): ...
class TCON(TextFrame): ...
class TLAN(TextFrame): ...
class TENC(TextFrame): ...
class TLEN(TextFrame): ...

class TXXX(TextFrame):
    desc: str

class COMM(TextFrame):
    desc: str
    lang: str

class USLT(Frame):
    text: str
    desc: str
    lang: str

class APIC(Frame):
    mime: str
    type: int
    desc: str
    data: bytes

class CTOCFlags(IntFlag):
    TOP_LEVEL = 2
    ORDERED = 1

class CHAP(Frame):
    element_id: str
    start_time: int
    end_time: int
    start_offset: int
    end_offset: int
    sub_frames: ID3

class CTOC(Frame):
    element_id: str
    flags: CTOCFlags
    child_element_ids: list[str]
    sub_frames: ID3

class ID3:
    version: tuple[int, int, int]
    def __init__(self, filething: str | None = None, *, translate: bool = True) -> None: ...
    def add(self, frame: Frame) -> None: ...
    def getall(self, key: str) -> list[Any]: ...
    def items(self) -> ItemsView[str, Frame]: ...
    def values(self) -> Iterable[Frame]: ...
    def save(
        self,
        filething: str | BinaryIO,
        *,
        v1: int = 1,
        v2_version: int = 4,
        padding: Callable[[Any], int] | None = None,
    ) -> None: ...
