"""Development SMTP sink: accepts every message and stores it as an .eml file.

Run as its own process: `python -m beratungsnetz.runtime.smtp_sink --port 8025 --dir var/mail`.
"""

from __future__ import annotations

import argparse
import signal
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class EmlWriter:
    """aiosmtpd handler: one file per (message, recipient list), written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        header = f"X-Sink-Mail-From: {envelope.mail_from}\r\nX-Sink-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        data = envelope.original_content or envelope.content
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(header.encode() + (data if isinstance(data, bytes) else data.encode()))
        tmp.rename(self.directory / name)
        return "250 Nachricht gespeichert"


def main() -> None:
    parser = argparse.ArgumentParser(description="SMTP-Senke für die Entwicklung: speichert jede Mail als .eml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    controller = Controller(EmlWriter(args.dir), hostname=args.host, port=args.port)
    controller.start()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    print(f"SMTP-Senke auf {args.host}:{args.port}, Ablage {args.dir}", flush=True)
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
