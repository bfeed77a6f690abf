"""Development SMTP sink: accepts every message and stores it as an .eml file.

Run as its own process: `python -m beratungsnetz.runtime.smtp_sink --port 8025 --dir var/mail`.
`beratungsnetz up` binds the port itself and hands the socket over (`--fd`); the greeting names
`--instance`, so the supervisor knows its own sink answered.

With `--lmtp-port` and `--list-domain` (as `beratungsnetz up` starts it) mail to an address at the lists' domain
goes on to the lists' inbox over LMTP, as Postfix's transport_maps does in production (deploy/README.md): so a
post to `<list>@beratungsnetz.example` sent to the local SMTP endpoint reaches the list on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import smtplib
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


class ListRouter:
    """aiosmtpd handler: recipients at `domain` go on to the LMTP inbox, everything else into `writer`'s files."""

    def __init__(self, writer: EmlWriter, domain: str, lmtp_port: int, lmtp_host: str = "127.0.0.1") -> None:
        self.writer, self.domain, self.lmtp = writer, domain.lower(), (lmtp_host, lmtp_port)

    def ours(self, address: str) -> bool:
        return address.rpartition("@")[2].lower() == self.domain

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        to_lists = [r for r in envelope.rcpt_tos if self.ours(r)]
        others = [r for r in envelope.rcpt_tos if not self.ours(r)]
        data = envelope.original_content or b""
        refused = await asyncio.to_thread(self._hand_over, envelope.mail_from or "", to_lists, data) if to_lists else {}
        if others:
            envelope.rcpt_tos = others
            await self.writer.handle_DATA(server, session, envelope)
        if refused and not others and len(refused) == len(to_lists):
            code, message = next(iter(refused.values()))
            return f"{code} {message.decode(errors='replace')}"
        for address, (code, message) in refused.items():  # mixed: the others are kept; say what was refused
            print(f"LMTP lehnte {address} ab: {code} {message.decode(errors='replace')}", flush=True)
        return "250 Nachricht angenommen"

    def _hand_over(self, sender: str, recipients: list[str], data: bytes) -> dict:
        try:
            with smtplib.LMTP(*self.lmtp, timeout=30) as client:
                return client.sendmail(sender, recipients, data)
        except smtplib.SMTPRecipientsRefused as exc:
            return exc.recipients
        except (OSError, smtplib.SMTPException) as exc:
            return dict.fromkeys(recipients, (451, f"LMTP-Eingang nicht erreichbar: {exc}".encode()))


async def serve(sock: socket.socket, directory: Path, instance: str, list_domain: str = "", lmtp_port: int = 0) -> None:
    """Accept mail on `sock` until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    writer = EmlWriter(directory)
    handler = ListRouter(writer, list_domain, lmtp_port) if list_domain and lmtp_port else writer
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="beratungsnetz", ident=f"{IDENT} {instance}".strip()), sock=sock
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
    parser.add_argument("--lmtp-port", type=int, default=0, help="LMTP-Eingang der Verteiler (0: keiner)")
    parser.add_argument("--list-domain", default="", help="Mails an Adressen dieser Domain gehen an den LMTP-Eingang")
    args = parser.parse_args()
    try:
        sock = socket.socket(fileno=args.fd) if args.fd is not None else listen(args.port, args.host)
    except OSError as exc:
        parser.exit(1, f"SMTP-Senke: Port {args.port} auf {args.host} ist nicht zu bekommen ({exc.strerror}).\n")
    asyncio.run(serve(sock, args.dir, args.instance, args.list_domain, args.lmtp_port))


if __name__ == "__main__":
    main()
