from mutagen import MutagenError

class HeaderNotFoundError(MutagenError, ValueError): ...

class MPEGInfo:
    length: float
    channels: int
    version: float
    layer: int
    sample_rate: int
    bitrate: int

class MP3:
    info: MPEGInfo
    def __init__(self, filething: str) -> None: ...
