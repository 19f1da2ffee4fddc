"""QR codes drawn by the site itself with segno: no third-party service sees who prints what."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, title: str = "") -> SafeString:
    """An inline <svg> QR code for `url`, sized by CSS (viewBox only), black on white, error level M."""
    qr = segno.make(url, error="m", micro=False)
    # segno writes only its own path data and the escaped title, so the markup is safe to inline.
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, title=title or None, svgclass="qr", lineclass=None)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308
