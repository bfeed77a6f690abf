"""A counting SMTP sink in its own process: accepts every message, notes one line per recipient.

`python -m drill.sink --port P --log FILE` appends "<unix time>\t<recipient>\t<Message-ID>\t<Subject>"
per accepted recipient and flushes after each message, so a sink killed or stopped loses nothing it
answered with "250" (and the benchmarks can read when each mail was accepted). It runs apart from
the services and from the drill, as a real mail server would, and can be stopped and started again
on the same port (the SMTP outage).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

from beratungsnetz.runtime.processes import child_preexec, stop_process

_headers = BytesHeaderParser()


def _one_line(value: str) -> str:
    return " ".join(value.replace("\t", " ").split())


class Counting:
    """aiosmtpd handler: one line per recipient, written and flushed before the "250"."""

    def __init__(self, log: Path) -> None:
        self.out = log.open("a", encoding="utf-8")

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.time()
        head = _headers.parsebytes(envelope.original_content or b"")
        subject = _one_line(str(make_header(decode_header(head.get("Subject", "")))))
        message_id = _one_line(head.get("Message-ID", ""))
        self.out.write("".join(f"{now:.6f}\t{r}\t{message_id}\t{subject}\n" for r in envelope.rcpt_tos))
        self.out.flush()
        return "250 angenommen"


class Sink:
    """The sink as a child process on a fixed port; `stop()` and `start()` again make an outage."""

    def __init__(self, port: int, log: Path, output: Path) -> None:
        self.port, self.log, self.output = port, log, output
        self.process: subprocess.Popen | None = None

    def start(self) -> Sink:
        with self.output.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "drill.sink", "--port", str(self.port), "--log", str(self.log)],
                stdout=subprocess.PIPE,
                stderr=out,
                preexec_fn=child_preexec,
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "bereit" once it listens
        if b"bereit" not in line:
            raise RuntimeError(f"SMTP-Senke startet nicht (siehe {self.output})")
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout=10)

    def lines(self) -> list[tuple[str, str, str]]:
        """(recipient, Message-ID, Subject) per accepted recipient, in order of acceptance."""
        return [(recipient, message_id, subject) for _, recipient, message_id, subject in self.timed_lines()]

    def timed_lines(self) -> list[tuple[float, str, str, str]]:
        """(accepted at, recipient, Message-ID, Subject) per accepted recipient."""
        if not self.log.exists():
            return []
        rows = (line.split("\t") for line in self.log.read_text(encoding="utf-8").splitlines())
        return [(float(r[0]), r[1], r[2], r[3]) for r in rows if len(r) == 4]


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Zählende SMTP-Senke für den Drill: eine Zeile je angenommener Empfänger:in"
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(Counting(args.log), hostname="127.0.0.1", port=args.port)
    controller.start()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    print("bereit", flush=True)
    stopped.wait()
    controller.stop()
    os._exit(0)


if __name__ == "__main__":
    main()
