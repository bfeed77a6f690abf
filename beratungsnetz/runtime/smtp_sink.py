"""Development SMTP sink: accepts every message and stores it as an .eml file.

Run as its own process: `python -m beratungsnetz.runtime.smtp_sink --port 8025 --dir var/mail`.
`beratungsnetz up` binds the port itself and hands the socket over (`--fd`); the greeting names
`--instance`, so the supervisor knows its own sink answered.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from beratungsnetz.runtime.ports import listen

IDENT = "Beratungsnetz-SMTP-Senke"


class EmlWriter:
    """aiosmtpd handler: one file per (message, recipient list), written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        header = f"X-Sink-Mail-From: {envelope.mail_from}\r\nX-Sink-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        data = envelope.original_content or envelope.content
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(header.encode() + (data if isinstance(data, bytes) else data.encode()))
        tmp.rename(self.directory / name)
        return "250 Nachricht gespeichert"


async def serve(sock: socket.socket, directory: Path, instance: str) -> None:
    """Accept mail on `sock` until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    writer = EmlWriter(directory)
    server = await loop.create_server(
        lambda: SMTP(writer, hostname="beratungsnetz", ident=f"{IDENT} {instance}".strip()), sock=sock
    )
    stopped = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    host, port = sock.getsockname()[:2]
    print(f"SMTP-Senke auf {host}:{port}, Ablage {directory}", flush=True)
    await stopped.wait()
    server.close()
    await server.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description="SMTP-Senke für die Entwicklung: speichert jede Mail als .eml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument(
        "--fd", type=int, help="schon gebundener Socket (von beratungsnetz up); dann gelten --host/--port nicht"
    )
    parser.add_argument("--instance", default="", help="Kennung dieses Prozesses, steht im SMTP-Gruß")
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    try:
        sock = socket.socket(fileno=args.fd) if args.fd is not None else listen(args.port, args.host)
    except OSError as exc:
        parser.exit(1, f"SMTP-Senke: Port {args.port} auf {args.host} ist nicht zu bekommen ({exc.strerror}).\n")
    asyncio.run(serve(sock, args.dir, args.instance))


if __name__ == "__main__":
    main()
