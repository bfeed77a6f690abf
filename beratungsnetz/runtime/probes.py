"""Is the part answering on a port the one `beratungsnetz up` started? Each answer must carry its instance id."""

from __future__ import annotations

import json
import smtplib
import urllib.request

from beratungsnetz.runtime.smtp_sink import IDENT


def smtp_is_ours(port: int, instance: str) -> bool:
    """The SMTP sink greets with its instance id; a foreign server on the port never does."""
    try:
        with smtplib.SMTP(timeout=1) as smtp:
            code, greeting = smtp.connect("127.0.0.1", port)
            return code == 220 and greeting.decode(errors="replace").endswith(f"{IDENT} {instance}")
    except OSError:
        return False


def gateway_health(url: str) -> dict | None:
    """The gateway's health answer (with its `instanz`), or None while nothing answers 200 with JSON."""
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=1) as resp:  # noqa: S310 - an http URL on loopback that we built ourselves
            return json.load(resp) if resp.status == 200 else None
    except (OSError, ValueError):
        return None
