"""An SMTP sink in its own process for the benchmarks: accepts everything, notes one line per recipient.

`python -m bench.sink --port P --log FILE` writes "<unix time>\t<recipient>\t<Message-ID>\t<Subject>"
per accepted recipient and flushes at once, so a benchmark can read when each mail was accepted.
Runs in another process than the sender, as a real mail server would.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

from beratungsnetz.runtime.ports import free_port

_headers = BytesHeaderParser()


class Noting:
    def __init__(self, log: Path) -> None:
        self.out = log.open("a", encoding="utf-8", buffering=1)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        now = time.time()
        head = _headers.parsebytes(envelope.original_content or b"")
        subject = str(make_header(decode_header(head.get("Subject", "")))).replace("\t", " ").replace("\n", " ")
        for recipient in envelope.rcpt_tos:
            self.out.write(f"{now:.6f}\t{recipient}\t{head.get('Message-ID', '')}\t{subject}\n")
        return "250 angenommen"


class Sink:
    """The sink as a child process; `lines()` reads what it accepted so far."""

    def __init__(self, base: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log = base / f"sink-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Sink:
        self.process = subprocess.Popen([sys.executable, "-m", "bench.sink", "--port", str(self.port), "--log", str(self.log)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        assert self.process.stdout is not None
        self.process.stdout.readline()  # "bereit" once listening
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def lines(self) -> list[tuple[float, str, str, str]]:
        if not self.log.exists():
            return []
        rows = [line.rstrip("\n").split("\t") for line in self.log.read_text(encoding="utf-8").splitlines()]
        return [(float(r[0]), r[1], r[2], r[3]) for r in rows if len(r) == 4]


def postfix_sink(port: int, counter: Path) -> subprocess.Popen | None:
    """Postfix's `smtp-sink` (C, very fast) where installed; it only counts (`-c`, into `counter`)."""
    binary = shutil.which("smtp-sink") or next((p for p in ("/usr/sbin/smtp-sink",) if Path(p).exists()), None)
    if not binary:
        return None
    as_user = ["-u", "nobody"] if os.geteuid() == 0 else []  # smtp-sink refuses to run as root
    return subprocess.Popen([binary, *as_user, "-c", f"127.0.0.1:{port}", "1000"], stdout=counter.open("wb"), stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description="SMTP-Senke für Benchmarks: nimmt alles an, notiert je Empfänger eine Zeile")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(Noting(args.log), hostname="127.0.0.1", port=args.port)
    controller.start()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    print("bereit", flush=True)
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
