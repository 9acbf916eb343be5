"""A picture of a bulletin, made on the server: its short-term loudness over time (BS.1770,
3 s windows), the profile's target, and where each segment starts. An SVG: sharp at any size,
and text in it is escaped like any other."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from bulletin.core.model import Chapter
from bulletin.media.ffmpeg import decode

RATE = 16000  # enough for a loudness curve
WINDOW_S, HOP_S = 3.0, 0.5  # short-term loudness, as EBU R128 defines it, every half second
WIDTH, HEIGHT = 1000, 220
TOP_LUFS, BOTTOM_LUFS = -6.0, -42.0
MARGIN = 30
SILENT_LUFS = -70.0


def short_term_loudness(path: Path) -> tuple[list[float], float]:
    """The file's short-term loudness every ``HOP_S`` seconds (LUFS), and its length in seconds."""
    import numpy as np

    from bulletin.audio.loudness import CONTROL_BLOCK, LOUDNESS_OFFSET, block_energies

    samples = decode(path, RATE).astype(np.float64)
    energies = block_energies(samples, RATE)
    per_window, per_hop = int(WINDOW_S * RATE / CONTROL_BLOCK), int(HOP_S * RATE / CONTROL_BLOCK)
    curve = []
    for start in range(0, max(len(energies) - per_window, 0) + 1, per_hop):
        window = energies[start : start + per_window]
        power = float(window.sum()) / max(len(window) * CONTROL_BLOCK, 1)
        curve.append(LOUDNESS_OFFSET + 10 * float(np.log10(power)) if power > 0 else SILENT_LUFS)
    return curve, len(samples) / RATE


def _y(lufs: float) -> float:
    clipped = min(max(lufs, BOTTOM_LUFS), TOP_LUFS)
    return MARGIN + (TOP_LUFS - clipped) / (TOP_LUFS - BOTTOM_LUFS) * (HEIGHT - 2 * MARGIN)


def svg(path: Path, chapters: Sequence[Chapter], target_lufs: float | None) -> str:
    """The picture of the bulletin at ``path``: loudness, target and segment starts."""
    curve, seconds = short_term_loudness(path)
    span = max(seconds, 1e-6)

    def x(at: float) -> float:
        return MARGIN + at / span * (WIDTH - 2 * MARGIN)

    points = " ".join(f"{x(WINDOW_S / 2 + i * HOP_S):.1f},{_y(v):.1f}" for i, v in enumerate(curve))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Luidheid over de tijd">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fbfbf8"/>',
    ]
    for number, chapter in enumerate(chapters):
        left, right = x(chapter.start), x(chapter.end)
        shade = "#eef2f7" if number % 2 else "#f7f4ec"
        parts.append(
            f'<g class="segment"><title>{escape(chapter.title)}</title>'
            f'<rect x="{left:.1f}" y="{MARGIN}" width="{max(right - left, 0):.1f}" '
            f'height="{HEIGHT - 2 * MARGIN}" fill="{shade}"/>'
            f'<line x1="{left:.1f}" y1="{MARGIN}" x2="{left:.1f}" y2="{HEIGHT - MARGIN}" stroke="#9aa5b1"/>'
            f'<text x="{left + 3:.1f}" y="{MARGIN - 8}" font-size="11" fill="#52606d">{number + 1}</text></g>'
        )
    if target_lufs is not None:
        target = _y(target_lufs)
        parts += [
            f'<line class="target" x1="{MARGIN}" y1="{target:.1f}" x2="{WIDTH - MARGIN}" y2="{target:.1f}" '
            'stroke="#c0392b" stroke-dasharray="6 4"/>',
            f'<text x="{WIDTH - MARGIN - 4}" y="{target - 4:.1f}" font-size="11" fill="#c0392b" '
            f'text-anchor="end">doel {target_lufs:g} LUFS</text>',
        ]
    parts += [
        f'<polyline class="loudness" points="{points}" fill="none" stroke="#1f4e79" stroke-width="2"/>',
        f'<text x="{MARGIN}" y="{HEIGHT - 8}" font-size="11" fill="#52606d">0:00</text>',
        f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 8}" font-size="11" fill="#52606d" text-anchor="end">'
        f"{int(seconds // 60)}:{int(seconds % 60):02d}</text>",
        "</svg>",
    ]
    return "".join(parts)
