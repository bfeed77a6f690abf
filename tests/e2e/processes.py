"""Start services as their own processes against a test nats-server, and wait until they answer.

The processes themselves are `beratungsnetz.runtime.processes`; here only what a test adds: its
settings (test environment, the test clock) and a failed assertion where the runtime raises.
"""

from __future__ import annotations

from pathlib import Path

from beratungsnetz.runtime.ports import listen
from beratungsnetz.runtime.processes import ChildProcess, answers, service_process
from beratungsnetz.runtime.processes import wait_healthy as wait_until_healthy
from tests.support import test_start_text


def start_gateway(nats_url: str, tmp_path: Path, **settings: str) -> tuple[ChildProcess, int]:
    """The gateway on a socket bound here and inherited, and its port: nobody can take the port between choosing
    and binding it (a free port chosen first and bound by the gateway later was taken under load)."""
    sock = listen(0)
    try:
        fd = sock.fileno()
        process = start_service("gateway", nats_url, tmp_path, pass_fds=(fd,), listen_fd=str(fd), **settings)
        return process, sock.getsockname()[1]
    finally:
        sock.close()  # the gateway holds it now


def start_service(
    service: str, nats_url: str, tmp_path: Path, pass_fds: tuple[int, ...] = (), **settings: str
) -> ChildProcess:
    """`pass_fds`: sockets bound by the test that the service inherits (the gateway's `listen_fd`)."""
    values = {
        "nats_url": nats_url,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / f'{service}.sqlite3'}",
        "environment": "test",
        "clock_start": test_start_text(),
        **settings,
    }
    return service_process(service, values, tmp_path / f"{service}.log", pass_fds=pass_fds).start()


async def wait_healthy(broker, service: str, process: ChildProcess, timeout: float = 30) -> None:
    assert process.name == service
    await wait_until_healthy([process], answers(broker), timeout, error=AssertionError)


def stop(process: ChildProcess) -> None:
    process.stop()
