"""The link-preview image of a county: a 1200x630 PNG drawn with Pillow.

The font is DejaVu Sans, subset to Latin-1 and shipped in counties/share/fonts/ (Pillow's built-in font has no
accented letters, which Spanish needs).

Rendering takes tens of milliseconds, so images are kept in memory keyed by everything drawn on them
(county, status words, date of the ICE list, language): a new ICE list or an edit changes the words,
hence the key, and an old image is never served for new data.
"""

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
INK = (26, 26, 26)
BRAND = (11, 79, 138)
ALERT = (164, 22, 26)
OK = (29, 107, 53)
MUTED = (74, 74, 74)
ACCENTS = {"sheriff": ALERT, "former": OK, "none": OK, "unknown": MUTED}


FONTS = Path(__file__).resolve().parent / "fonts"


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _fit(draw, text: str, sizes: tuple[int, ...], width: int, max_lines: int, bold: bool = False):
    """The largest font size at which `text` fits in `max_lines` lines (ellipsis at the smallest)."""
    for size in sizes:
        font = _font(size, bold)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = lines[:max_lines]
    lines[-1] = lines[-1].rstrip(".,;") + "…"
    return font, lines


def _fit_title(draw, text: str, sizes: tuple[int, ...], width: int):
    """The largest size at which the title fits on one line; else two lines at the smallest size (on two
    lines at 66 px it took the room the sentence below needs)."""
    for size in sizes:
        font = _font(size, bold=True)
        lines = _wrap(draw, text, font, width)
        if len(lines) == 1:
            return font, lines
    return _fit(draw, text, sizes[-1:], width, 2, bold=True)


SENTENCE_SIZES = (32, 29, 26, 23, 21)
BOTTOM = HEIGHT - 28


def layout(title: str, headline: str, sentence: str) -> list[tuple[int, ImageFont.FreeTypeFont, str, str]]:
    """Where each line is drawn: (y, font, text, part), part "title", "headline" or "sentence". The sentence
    (the list's date and, after SB 8's deadline, how current the list is: its last words) is set at the
    largest size at which all of it fits below the rest; only past the smallest would it lose its end."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = WIDTH - 2 * MARGIN
    placed = []
    y = 120
    font, lines = _fit_title(draw, title, (66, 56, 48), width)
    for line in lines:
        placed.append((y, font, line, "title"))
        y += int(font.size * 1.15)
    y += 14
    font, lines = _fit(draw, headline, (44, 38, 34), width, 2, bold=True)
    for line in lines:
        placed.append((y, font, line, "headline"))
        y += int(font.size * 1.2)
    y += 14
    for size in SENTENCE_SIZES:
        font, step = _font(size), int(size * 1.3)
        lines = _wrap(draw, sentence, font, width)
        if y + len(lines) * step <= BOTTOM:
            break
    else:
        lines = lines[: max(1, (BOTTOM - y) // step)]
        lines[-1] = lines[-1].rstrip(".,;") + "…"
    for line in lines:
        placed.append((y, font, line, "sentence"))
        y += step
    return placed


@lru_cache(maxsize=128)
def share_png(site: str, title: str, headline: str, sentence: str, code: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 84), fill=BRAND)
    draw.text((MARGIN, 42), site, font=_font(34, bold=True), fill="white", anchor="lm")
    accent = ACCENTS.get(code, MUTED)
    draw.rectangle((0, 84, 18, HEIGHT), fill=accent)
    for y, font, line, part in layout(title, headline, sentence):
        draw.text((MARGIN, y), line, font=font, fill=accent if part == "headline" else INK)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
