"""The guard of tests/unit/conftest.py holds: no connection, no name lookup, no process."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import pytest

from tests.unit.conftest import NotInUnitTests


def test_a_connection_a_lookup_or_a_listening_socket_is_refused() -> None:
    with pytest.raises(NotInUnitTests, match="ohne Netzwerk"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(NotInUnitTests, match="Namensauflösung"):
        socket.getaddrinfo("localhost", 80)
    with socket.socket() as listening, pytest.raises(NotInUnitTests):
        listening.bind(("127.0.0.1", 0))


def test_a_process_is_refused_but_an_event_loop_still_runs() -> None:
    with pytest.raises(NotInUnitTests, match="ohne weitere Prozesse"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    assert asyncio.run(asyncio.sleep(0, result="läuft")) == "läuft"
