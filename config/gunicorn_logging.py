"""gunicorn's logs without any reader's address (config/gunicorn.conf.py: logger_class).

gunicorn writes the client's address into its error log for every malformed request ("Invalid request
from ip=203.0.113.7: ..."), and a malformed PROXY line or header can carry more addresses in the error
text. PrivateLogger is gunicorn's own logger with a filter on both of its logs that replaces every IPv4
and IPv6 address in a message (and in a traceback) with "[address]". The one line that names the
server's own bind address ("Listening at: http://127.0.0.1:8000") is left as it is.

The same filter keeps each entry one honest line: control and invisible characters from a request (a
path's %0a, a right-to-left mark) are written escaped ("\\n", "\\u202e"), so that nobody can add a line
of their own or hide text, and what a malformed request sent (its request line or header, with any search
text) and the query string of a request that failed are left out.
"""

import ipaddress
import logging
import re

from gunicorn.glogging import Logger

HIDDEN = "[address]"
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")
# Candidates only: each is checked with ipaddress, so times like 09:51:30 are left alone.
_IPV6 = re.compile(
    r"(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?"
    r"(?:%[0-9A-Za-z]+)?(?![0-9A-Za-z:]|\.\d)"
)
_SERVER_ADDRESS_LINES = ("Listening at: ",)


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _hide_ipv6(match: re.Match) -> str:
    text = match.group(0)
    if _is_ipv6(text):
        return HIDDEN
    if text.endswith(":") and _is_ipv6(
        text[:-1]
    ):  # "from ip=::1: ...": the candidate took the colon after it
        return HIDDEN + ":"
    return text


def hide_addresses(text: str) -> str:
    """'Invalid request from ip=203.0.113.7: ...' -> 'Invalid request from ip=[address]: ...'."""
    return _IPV4.sub(HIDDEN, _IPV6.sub(_hide_ipv6, text))


# C0 and C1 controls, and the invisible format characters that reorder or hide text (bidi marks,
# zero-width characters, line and paragraph separators).
_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# What a malformed request sent, as gunicorn quotes it in its error ('GET /counties/?q=mi casa HTTP/1.1'),
# and a query string to the end of a line ("Error handling request GET /counties/?q=...").
_QUOTED = re.compile(r"""(['"]).*\1""", re.S)
_QUERY = re.compile(r"\?.*", re.S)


def one_line(text: str) -> str:
    """'GET /a\\nFAKE' -> 'GET /a\\\\nFAKE': every unseen character written as its escape."""
    return _UNSEEN.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def private_line(message: str) -> str:
    """A log message as it may be written: no address, no query string of a bad request, one line."""
    if message.startswith(_SERVER_ADDRESS_LINES):
        return message
    message = hide_addresses(message)
    if message.startswith("Invalid request from"):  # the request line or header as sent: search text too
        message = _QUERY.sub("?[query]", _QUOTED.sub(r"\1[request]\1", message))
    elif message.startswith("Error handling request"):  # its method and address, query string included
        message = _QUERY.sub("?[query]", message)
    return one_line(message)


class HideAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = private_line(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide_addresses(record.exc_text)
        return True


class PrivateLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, HideAddresses) for f in log.filters):
                log.addFilter(HideAddresses())
