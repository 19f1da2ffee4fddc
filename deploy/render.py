"""Write deploy/nginx.conf.template with a server's values: `python deploy/render.py KEY=VALUE ... > nginx.conf`.

Keys: listen (e.g. 80, or 127.0.0.1:8080), server_name, run_dir (where the app servers' sockets and nginx's
temporary files are), pid_file (Debian's nginx.service: /run/nginx.pid), log_dir, static_root (the collected static files: `<site>/staticfiles`), mime_types
(Debian: /etc/nginx/mime.types) and user_line ("user www-data;" when nginx starts as root, else empty).
Every key must be given; an unknown or missing one is an error, so a typo never leaves a "{{ }}" behind.
"""

import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
KEYS = ("listen", "server_name", "run_dir", "pid_file", "log_dir", "static_root", "mime_types", "user_line")


def render(values: dict[str, str], template: str | None = None) -> str:
    text = TEMPLATE.read_text() if template is None else template
    unknown = set(values) - set(KEYS)
    missing = set(KEYS) - set(values)
    if unknown or missing:
        raise ValueError(f"unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    for key, value in values.items():
        if "\n" in value or ";" in value.rstrip(";"):
            raise ValueError(f"{key}: one value, no line breaks or extra directives")
        text = text.replace("{{ " + key + " }}", value)
    left = re.findall(r"\{\{ *\w+ *\}\}", text)
    if left:
        raise ValueError(f"placeholders left: {left}")
    return text


def main(argv: list[str]) -> int:
    values = dict(arg.split("=", 1) for arg in argv)
    sys.stdout.write(render(values))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
