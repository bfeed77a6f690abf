"""Start-up proves it talks to its own processes, and keeps its ports: real sockets, servers and nats-server."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from beratungsnetz.runtime.nats_server import NatsServer
from beratungsnetz.runtime.port_plan import reserve
from beratungsnetz.runtime.ports import PortTaken, free_port, listen
from beratungsnetz.runtime.probes import smtp_is_ours
from beratungsnetz.runtime.supervisor import Child, StartupFailed, System
from services.gateway.bootstrap import listening_socket
from services.gateway.config import GatewaySettings
from shared.contracts import PRODUCERS
from shared.contracts.system import HealthRequest
from shared.messaging.broker import make_broker
from shared.messaging.rpc import request
from shared.settings import ServiceSettings
from tests.e2e.processes import start_service, stop, wait_healthy
from tests.strangers import foreign_http_server

ALL_FREE = {"gateway": 0, "smtp": 0, "nats": 0, "nats_monitor": 0}


@pytest.fixture
def stranger() -> Iterator[int]:
    with foreign_http_server() as port:
        yield port


def test_ports_chosen_at_the_first_start_are_kept(tmp_path: Path) -> None:
    file = tmp_path / "ports.json"
    first = reserve(file, ALL_FREE)
    first.close()
    again = reserve(file, {})
    again.close()
    assert again.ports == first.ports == json.loads(file.read_text())
    assert again.notices == []


def test_a_kept_port_held_by_another_program_is_refused_with_what_to_do(tmp_path: Path) -> None:
    file = tmp_path / "ports.json"
    first = reserve(file, ALL_FREE)
    first.close()
    port = first.ports["gateway"]
    with listen(port), pytest.raises(PortTaken) as refused:
        reserve(file, {})
    message = str(refused.value)
    assert f"Port {port} für Gateway (HTTP) ist belegt von PID {os.getpid()}" in message
    assert str(file) in message and f"http://127.0.0.1:{port}" in message  # where the mailed links point
    assert "--gateway-port NUMMER" in message and "kill" in message
    assert json.loads(file.read_text()) == first.ports  # nothing silently moved


def test_choosing_another_gateway_port_warns_that_mailed_links_point_at_the_old_one(tmp_path: Path) -> None:
    file = tmp_path / "ports.json"
    first = reserve(file, ALL_FREE)
    first.close()
    moved = reserve(file, {"gateway": 0})
    moved.close()
    assert moved.ports["gateway"] != first.ports["gateway"]
    assert moved.notices and f"http://127.0.0.1:{first.ports['gateway']}" in moved.notices[0]


async def test_a_foreign_server_answering_on_the_gateway_port_is_never_taken_for_the_gateway(
    tmp_path: Path, stranger: int
) -> None:
    system = System(tmp_path, gateway_port=stranger)
    gateway = Child("gateway", [], {}, tmp_path / "gateway.log")
    with pytest.raises(StartupFailed, match=f"Auf Port {stranger} antwortet ein anderes Programm"):
        await system._healthy(None, gateway)


def test_only_our_own_smtp_sink_counts_as_healthy(tmp_path: Path) -> None:
    foreign = Controller(object(), hostname="127.0.0.1", port=free_port())
    foreign.start()
    try:
        assert not smtp_is_ours(foreign.port, "abc")
    finally:
        foreign.stop()
    sock = listen(0)
    port = sock.getsockname()[1]
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beratungsnetz.runtime.smtp_sink",
            "--fd",
            str(sock.fileno()),
            "--instance",
            "abc",
            "--dir",
            str(tmp_path / "mail"),
        ],
        pass_fds=(sock.fileno(),),
        stdout=subprocess.PIPE,
        text=True,
    )
    sock.close()
    try:
        assert "SMTP-Senke auf 127.0.0.1" in sink.stdout.readline()
        assert smtp_is_ours(port, "abc")
        assert not smtp_is_ours(port, "another")
    finally:
        sink.terminate()
        assert sink.wait(10) == 0


def test_nats_health_counts_only_from_the_server_started_with_our_instance(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    assert nats_server.healthy()
    impostor = NatsServer(
        tmp_path / "x", port=nats_server.port, monitor_port=nats_server.monitor_port, instance="unser"
    )
    assert not impostor.healthy()  # same ports, but the answer names another server


async def test_services_echo_their_instance_id_in_the_health_reply(nats_server: NatsServer, tmp_path: Path) -> None:
    process = start_service("registry", nats_server.url, tmp_path, instance_id="abc123")
    broker = make_broker(ServiceSettings(nats_url=nats_server.url))
    await broker.connect()
    try:
        await wait_healthy(broker, "registry", process)
        reply = await request(broker, PRODUCERS["registry"].HEALTH, HealthRequest(), timeout=5)
        assert reply.data.instance == "abc123"
    finally:
        await broker.stop()
        await asyncio.to_thread(stop, process)


def test_a_socket_handed_to_the_gateway_is_served_without_binding_again(tmp_path: Path) -> None:
    sock = listen(0)
    handed = listening_socket(GatewaySettings(listen_fd=os.dup(sock.fileno()), port=1))
    try:
        assert handed.getsockname() == sock.getsockname()
    finally:
        handed.close()
        sock.close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(SystemExit, match=f"Port {taken.getsockname()[1]}"):
            listening_socket(GatewaySettings(port=taken.getsockname()[1]))
