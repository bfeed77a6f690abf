"""Loopback ports: free ones for tests, and the ports a local installation keeps (var/ports.json).

A port is taken by binding it, not by looking whether it is free: `listen` returns the bound
socket, which the supervisor hands to the child that serves on it.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path


class PortTaken(RuntimeError):
    """A port this installation needs is held by another program; the message says what to do."""


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


_HANDED_OUT: set[int] = set()  # ports this process was given: the kernel may offer a just-closed one again


def free_port(preferred: int | None = None, host: str = "127.0.0.1") -> int:
    """A free port, never one this process was handed before (two calls in a row once gave the same port to a
    nats-server's client and monitoring listeners)."""
    if preferred and preferred not in _HANDED_OUT and is_free(preferred, host):
        _HANDED_OUT.add(preferred)
        return preferred
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def listen(port: int, host: str = "127.0.0.1") -> socket.socket:
    """A listening socket on `port` (0: any free one); OSError if another program holds it.

    SO_REUSEADDR lets a restart bind while old connections linger in TIME_WAIT; on Linux it
    never lets two programs listen on the same port.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def holder(port: int) -> str | None:
    """Which program listens on `port` ("PID 123 (python3)"), as far as /proc lets us see it (Linux)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return f"PID {proc.name} ({(proc / 'comm').read_text().strip()})"
        except OSError:
            continue  # gone, or another user's process
    return None


def load(path: Path) -> dict[str, int]:
    """The ports chosen at the first start, or {} before it."""
    return {k: int(v) for k, v in json.loads(path.read_text()).items()} if path.exists() else {}


def save(path: Path, ports: dict[str, int]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(ports, indent=2, sort_keys=True) + "\n")
    tmp.rename(path)
