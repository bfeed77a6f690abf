"""The unit suite needs no network and starts no processes: a unit test that tries either fails at once."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable, Iterator
from typing import NoReturn

import pytest


class NotInUnitTests(RuntimeError):
    """Raised for a network connection or a process started by a unit test."""


def _refused(what: str) -> Callable[..., NoReturn]:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise NotInUnitTests(f"Unit-Tests laufen ohne {what}; so ein Test gehört nach tests/integration.")

    return refuse


def _guarded(name: str) -> Callable[..., object]:
    original = getattr(socket.socket, name)

    def guarded(self: socket.socket, *args: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refused("Netzwerk")()
        return original(self, *args)  # local pipes (asyncio's own socketpair) stay allowed

    return guarded


@pytest.fixture(autouse=True, scope="module")
def no_network_and_no_processes() -> Iterator[None]:
    """Per module, so that integration tests run in the same session keep their network."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("connect", "connect_ex", "bind"):
            patch.setattr(socket.socket, name, _guarded(name))
        patch.setattr(socket, "getaddrinfo", _refused("Netzwerk (Namensauflösung)"))
        patch.setattr(subprocess.Popen, "__init__", _refused("weitere Prozesse"))
        yield
