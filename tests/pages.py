"""Reading pages in tests as a reader sees them."""

import html
import re


def page_text(response) -> str:
    """The page's words: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<[^>]*>", "", response.content.decode())
    return " ".join(html.unescape(body).split())
