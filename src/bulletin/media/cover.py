"""Cover art: drawn by us (show name and date on a square), or the user's own, checked.

Apple Podcasts wants a square JPEG or PNG in RGB, 1400 to 3000 pixels a side.
A drawn cover is kept in the cache by what it shows, so a rebuild neither draws
it again nor loads Pillow's drawing code.
"""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path

from bulletin.core.errors import ConfigError
from bulletin.storage.blobstore import BlobStore, content_key

SIZE = 1400
MIN_SIDE, MAX_SIDE = 1400, 3000
JPEG_QUALITY = 90
TOP, BOTTOM = (11, 31, 58), (15, 76, 92)  # navy to teal
INK = (255, 255, 255)
ACCENT = (255, 196, 61)
TITLE_PX, DATE_PX, LABEL_PX = 150, 64, 56
TITLE_WRAP = 14  # characters per line of the show's name
BARS = 29  # the sound-wave motif
COVER_VERSION = 1  # bump when the drawing changes
MAGIC = b"BLTNCOV1"
SUFFIX = ".cover"


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.load_default(size=size)  # Pillow's bundled scalable font: no system fonts needed


def make_cover(show: str, date_line: str, label: str = "NIEUWS") -> bytes:
    """A 1400x1400 JPEG with the show's name, a sound-wave motif and ``date_line``."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):  # vertical gradient
        mix = y / (SIZE - 1)
        draw.line([(0, y), (SIZE, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(TOP, BOTTOM, strict=True)))
    margin = SIZE // 10
    draw.text((margin, margin), label, font=_font(LABEL_PX), fill=ACCENT)
    title = "\n".join(textwrap.wrap(show, TITLE_WRAP)) or show
    draw.multiline_text((margin, margin + 2 * LABEL_PX), title, font=_font(TITLE_PX), fill=INK, spacing=20)
    # A row of bars shaped like a spoken phrase.
    centre, width = SIZE * 0.66, (SIZE - 2 * margin) / BARS
    for i in range(BARS):
        height = SIZE * 0.12 * (0.35 + 0.65 * abs(math.sin(i * 0.9) * math.cos(i * 0.37)))
        x = margin + i * width
        draw.rounded_rectangle(
            [x + width * 0.2, centre - height, x + width * 0.8, centre + height],
            radius=width * 0.3,
            fill=ACCENT if i % 7 == 3 else INK,
        )
    draw.text((margin, SIZE - margin - DATE_PX), date_line, font=_font(DATE_PX), fill=INK)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


class Covers:
    """Drawn covers by what they show, on disk or (with ``root`` None) for this run only."""

    def __init__(self, root: Path | None) -> None:
        self.store = BlobStore(root, MAGIC, SUFFIX)

    def get(self, show: str, date_line: str, label: str) -> bytes:
        """The cover :func:`make_cover` draws for these, drawn only the first time."""
        from PIL import __version__ as pillow  # the package's version only, not its drawing code

        key = content_key(
            {
                "cover": COVER_VERSION,
                "show": show,
                "date": date_line,
                "label": label,
                "pillow": pillow,
                "size": SIZE,
                "quality": JPEG_QUALITY,
            }
        )
        found = self.store.get(key)
        if found is not None:
            return found[1]
        drawn = make_cover(show, date_line, label)
        self.store.put(key, {}, drawn)
        return drawn


def load_cover(path: Path) -> bytes:
    """The user's cover as JPEG bytes, after checking it meets the podcast rules."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            kind, (width, height) = image.format, image.size
            if kind not in ("JPEG", "PNG"):
                raise ConfigError(f"cover {path} is {kind}; use a JPEG or PNG.")
            if width != height:
                raise ConfigError(f"cover {path} is {width}x{height}; podcast covers must be square.")
            if width < MIN_SIDE:
                raise ConfigError(f"cover {path} is {width} pixels wide; podcast apps need at least {MIN_SIDE}.")
            fitted = image.resize((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS) if width > MAX_SIDE else image
            out = io.BytesIO()
            fitted.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except FileNotFoundError:
        raise ConfigError(f"cover {path} not found; check [show] cover in the configuration.") from None
    except UnidentifiedImageError:
        raise ConfigError(f"cover {path} is not an image; use a JPEG or PNG.") from None
