"""Running the production NATS configuration of deploy/ on loopback: the same files, ports rewritten."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from beratungsnetz.runtime.nats_server import nats_server_binary
from beratungsnetz.runtime.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PASSWORDS = {s: f"pw-{s}" for s in ("system", "registry", "notifications", "events", "gateway", "betrieb")}
SECRET_ENV = {f"{s.upper()}_NATS_PASSWORD": pw for s, pw in PASSWORDS.items()}


def service_env(service: str) -> dict[str, str]:
    """The settings a service gets in production: its own NATS user, R3 streams."""
    return {"nats_user": service, "nats_password": PASSWORDS[service], "stream_replicas": "3"}


@dataclass
class Node:
    name: str
    client: int
    monitor: int
    route: int
    store: Path
    process: subprocess.Popen | None = None


@dataclass
class Cluster:
    """Three nats-server processes from deploy/nats/cluster.conf."""

    base: Path
    nodes: list[Node] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nodes = [
            Node(f"nats-{i}", free_port(), free_port(), free_port(), self.base / f"nats-{i}") for i in (1, 2, 3)
        ]

    @property
    def urls(self) -> str:
        return ",".join(f"nats://127.0.0.1:{n.client}" for n in self.nodes)

    def env(self, node: Node) -> dict[str, str]:
        routes = {f"NATS_ROUTE_{i}": f"nats-route://127.0.0.1:{n.route}" for i, n in enumerate(self.nodes, start=1)}
        return {**os.environ, **SECRET_ENV, **routes, "NATS_SERVER_NAME": node.name, "NATS_STORE_DIR": str(node.store)}

    def start(self, node: Node) -> None:
        args = [
            str(nats_server_binary()),
            "-c",
            str(DEPLOY / "nats/cluster.conf"),
            "-a",
            "127.0.0.1",
            "-p",
            str(node.client),
            "-m",
            str(node.monitor),
            "--cluster",
            f"nats://127.0.0.1:{node.route}",
        ]
        log = (self.base / f"{node.name}.log").open("ab")
        node.process = subprocess.Popen(args, env=self.env(node), stdout=log, stderr=subprocess.STDOUT)

    def start_all(self, timeout: float = 30) -> Cluster:
        self.base.mkdir(parents=True, exist_ok=True)
        for node in self.nodes:
            self.start(node)
        deadline = time.monotonic() + timeout
        while not all(self.healthy(n) for n in self.nodes):
            assert time.monotonic() < deadline, "Cluster nicht rechtzeitig bereit"
            time.sleep(0.2)
        return self

    def healthy(self, node: Node) -> bool:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{node.monitor}/healthz?js-enabled-only=true", timeout=1
            ) as r:
                return r.status == 200
        except OSError:
            return False

    def kill(self, node: Node) -> None:
        node.process.kill()
        node.process.wait(10)

    def stop(self) -> None:
        for node in self.nodes:
            if node.process and node.process.poll() is None:
                node.process.terminate()
                node.process.wait(10)


def consumed_by_service() -> tuple[dict[str, list], dict[str, list]]:
    """Each service's durable consumers and read-once readers, read from the services as their bootstraps build them
    (no I/O)."""
    import importlib

    from beratungsnetz.runtime.nats_permissions import SERVICES, Consumed, Reader

    consumed, readers = {}, {}
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.bootstrap").bootstrap()
        consumed[service] = [Consumed(c.stream.name, c.durable, c.subject, c.reader) for c in app.consumers]
        readers[service] = [Reader(*reader) for reader in app.readers]
    return consumed, readers


def rendered_accounts() -> str:
    from beratungsnetz.runtime.nats_permissions import render_accounts

    return render_accounts(*consumed_by_service())


if __name__ == "__main__":  # python -m tests.deploy_support > deploy/nats/accounts.conf
    print(rendered_accounts(), end="")
