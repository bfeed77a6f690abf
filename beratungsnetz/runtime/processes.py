"""Child processes: start one with its settings and log, wait until it answers, stop it.

The one way `beratungsnetz up`, the drill, the benchmarks and the end-to-end tests run a service as
a process. Every child dies with its parent, even if the parent is killed (PR_SET_PDEATHSIG), and
`stop()` asks politely (SIGTERM) before it insists (SIGKILL).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nats.errors import Error as NatsError

from shared.contracts import PRODUCERS
from shared.contracts.system import HealthReply, HealthRequest
from shared.messaging.rpc import ServiceUnavailable, request

_PR_SET_PDEATHSIG = 1


def child_preexec() -> None:
    """Run in the child before exec: ask Linux to SIGTERM it when the parent dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ProcessFailed(RuntimeError):
    pass


def stop_process(popen: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM, so it can finish its work; SIGKILL if it has not ended after `timeout` seconds."""
    if popen.poll() is not None:
        return
    popen.terminate()
    try:
        popen.wait(timeout)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()


@dataclass
class ChildProcess:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    instance: str = ""  # the instance id its health answer must carry, where the starter checks it
    pass_fds: tuple[int, ...] = ()  # sockets the parent bound for it
    own_session: bool = False  # Ctrl-C at the terminal reaches only the parent, which stops children in order
    cwd: Path | None = None
    piped: bool = False  # output through a pipe copied to the log: a file-size limit on the child spares its log
    popen: subprocess.Popen | None = field(default=None, repr=False)
    starts: int = 0

    def start(self) -> ChildProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.args,
                env=self.env,
                cwd=self.cwd,
                stdout=subprocess.PIPE if self.piped else out,
                stderr=subprocess.STDOUT,
                pass_fds=self.pass_fds,
                start_new_session=self.own_session,
                preexec_fn=child_preexec,
            )
        self.starts += 1
        if self.piped:
            threading.Thread(target=self._copy_to_log, args=(self.popen.stdout,), daemon=True).start()
        return self

    def _copy_to_log(self, stream: IO[bytes]) -> None:
        with self.log.open("ab") as out:
            for line in iter(stream.readline, b""):
                out.write(line)
                out.flush()

    @property
    def pid(self) -> int:
        assert self.popen is not None  # noqa: S101 - only a started process has a pid
        return self.popen.pid

    def exit_code(self) -> int | None:
        return self.popen.poll() if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen is not None:
            stop_process(self.popen, timeout)

    def kill(self) -> None:
        """SIGKILL at once: a crash, as the drill plays it."""
        if self.alive():
            assert self.popen is not None  # noqa: S101 - alive() said so
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


def service_process(service: str, settings: dict[str, str], log: Path, **options: Any) -> ChildProcess:
    """`python -m services.<service>` with `settings` as its environment (`BERATUNGSNETZ_<SERVICE>_<NAME>`)."""
    prefix = f"BERATUNGSNETZ_{service.upper()}_"
    env = dict(os.environ, **{f"{prefix}{k.upper()}": v for k, v in settings.items()})
    return ChildProcess(service, [sys.executable, "-m", f"services.{service}"], env, log, **options)


async def health(broker: Any, service: str, timeout: float = 1.0) -> HealthReply | None:
    """The service's answer to a health request over NATS, or None while none comes."""
    try:
        reply = await request(broker, PRODUCERS[service].HEALTH, HealthRequest(), timeout=timeout)
    except (ServiceUnavailable, NatsError, OSError):
        return None
    return reply.data if reply.ok else None


Probe = Callable[[ChildProcess], Awaitable[bool]]
Accept = Callable[[ChildProcess, HealthReply], bool]


def answers(broker: Any, accept: Accept = lambda _process, _reply: True, timeout: float = 0.5) -> Probe:
    """A probe that holds once the process's service answers a health request as `accept` wants."""

    async def probe(process: ChildProcess) -> bool:
        reply = await health(broker, process.name, timeout)
        return reply is not None and accept(process, reply)

    return probe


def ok_and_ours(process: ChildProcess, reply: HealthReply) -> bool:
    """Healthy, and the answer carries the process's own instance id: nobody else's service counts."""
    return reply.status == "ok" and reply.instance == process.instance


async def wait_healthy(
    processes: Iterable[ChildProcess],
    probe: Probe,
    timeout: float,
    *,
    interval: float = 0.2,
    error: type[Exception] = ProcessFailed,
) -> float:
    """Until `probe` holds for every process; `error` as soon as one ends, or at the timeout. Returns the seconds."""
    started = time.monotonic()
    pending = {process.name: process for process in processes}
    while True:
        for process in pending.values():
            if (code := process.exit_code()) is not None:
                raise error(f"{process.name} hat sich beendet (Code {code}); siehe {process.log}")
        for name, process in sorted(pending.items()):
            if await probe(process):
                del pending[name]
        if not pending:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise error(f"Nicht rechtzeitig bereit: {', '.join(sorted(pending))}")
        await asyncio.sleep(interval)
