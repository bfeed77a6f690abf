"""`beratungsnetz up`: the whole system as processes on this machine.

Starts nats-server (store under var/nats), the SMTP sink, each service and the gateway;
waits until every one reports healthy; writes var/run/system.json; and on Ctrl-C or
SIGTERM stops them in reverse order, NATS last, so relays can finish their work.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from beratungsnetz.runtime.nats_server import NatsServer, NatsServerError
from beratungsnetz.runtime.port_plan import PortPlan, reserve, taken_message
from beratungsnetz.runtime.ports import PortTaken, holder, is_free
from beratungsnetz.runtime.probes import gateway_health, smtp_is_ours
from beratungsnetz.runtime.processes import ChildProcess as Child
from beratungsnetz.runtime.processes import answers, ok_and_ours, wait_healthy
from shared.messaging.broker import make_broker
from shared.settings import ServiceSettings

SERVICES = ("registry", "notifications", "events")
MAIL_DOMAIN = os.environ.get("BERATUNGSNETZ_NOTIFICATIONS_MAIL_DOMAIN", "beratungsnetz.example")  # the lists' domain


class StartupFailed(RuntimeError):
    pass


def keep_private(var_dir: Path, subdirs: tuple[str, ...]) -> None:
    """var/ holds the databases (addresses, names: who is on which list), mails, logs and the admin token: readable
    by its owner only. Directories 0700, files 0600, also those left by an earlier run; and everything this process
    and its children (nats-server, the services) create from now on is made the same way (umask 077)."""
    os.umask(0o077)
    for directory in (var_dir, *(var_dir / sub for sub in subdirs)):
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
    for path in var_dir.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)


@dataclass
class System:
    """The whole system; ports given here override the kept ones in var/ports.json (0: any free one)."""

    var_dir: Path
    gateway_port: int | None = None
    smtp_port: int | None = None
    nats_port: int | None = None
    nats_monitor_port: int | None = None
    lmtp_port: int | None = None  # the lists' inbox (issue 20): the sink hands list mail there
    nats: NatsServer | None = None
    children: list[Child] = field(default_factory=list)
    admin_token: str = ""
    nats_passwords: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    _plan: PortPlan | None = None

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def start(self) -> None:
        keep_private(self.var_dir, ("nats", "db", "mail", "log", "run"))
        self.admin_token = _admin_token(self.var_dir / "admin-token")
        self.nats_passwords = _nats_passwords(self.var_dir / "nats-passwords.json")
        requested = {
            "gateway": self.gateway_port,
            "smtp": self.smtp_port,
            "nats": self.nats_port,
            "nats_monitor": self.nats_monitor_port,
            "lmtp": self.lmtp_port,
        }
        try:
            self._plan = reserve(self.var_dir / "ports.json", requested)
        except PortTaken as exc:
            raise StartupFailed(str(exc)) from exc
        ports, self.notices = self._plan.ports, self._plan.notices
        self.gateway_port, self.smtp_port = ports["gateway"], ports["smtp"]
        self.nats_port, self.nats_monitor_port = ports["nats"], ports["nats_monitor"]
        self.lmtp_port = ports["lmtp"]
        self.nats = NatsServer(
            self.var_dir / "nats",
            port=self.nats_port,
            monitor_port=self.nats_monitor_port,
            log_file=self.var_dir / "log" / "nats-server.log",
            instance=secrets.token_hex(8),
            **self._nats_accounts(),
        )
        try:
            self.nats.start()
        except NatsServerError as exc:  # someone may have taken its port since we reserved it
            exited = self.nats.process and self.nats.process.poll() is not None
            for name, port in (("nats", self.nats_port), ("nats_monitor", self.nats_monitor_port)):
                if exited and not is_free(port):
                    raise StartupFailed(taken_message(name, port, self.var_dir / "ports.json", kept=True)) from exc
            raise StartupFailed(str(exc)) from exc
        self.children = [self._smtp_sink(), *(self._service(s) for s in SERVICES), self._gateway()]
        for child in self.children:
            child.start()
        self._plan.close()  # the children hold the sockets now

    def _env(self, prefix: str, **values: str) -> dict[str, str]:
        env = dict(os.environ)
        if clock_start := os.environ.get("BERATUNGSNETZ_CLOCK_START"):  # tests: the whole system on one chosen day
            values = {"clock_start": clock_start, **values}
        env.update({f"BERATUNGSNETZ_{prefix}_{k.upper()}": v for k, v in values.items()})
        return env

    def _nats_accounts(self) -> dict:
        """The production accounts and permissions (deploy/nats/accounts.conf) with this installation's passwords:
        no anonymous client, and each service can do only its own work, here as in production."""
        accounts = DEPLOY_ACCOUNTS.read_text()
        config = self.var_dir / "run" / "nats.conf"
        config.write_text(accounts)
        env = {f"{user.upper()}_NATS_PASSWORD": password for user, password in self.nats_passwords.items()}
        return {"config_file": config, "env": env}

    def _nats_login(self, user: str) -> dict[str, str]:
        return {"nats_user": user, "nats_password": self.nats_passwords[user]}

    def _service(self, name: str) -> Child:
        instance = secrets.token_hex(8)
        env = self._env(
            name.upper(),
            environment="development",
            instance_id=instance,
            nats_url=self.nats.url,
            **self._nats_login(name),
            database_url=f"sqlite+aiosqlite:///{(self.var_dir / 'db' / name).resolve()}.sqlite3",
            smtp_host="127.0.0.1",
            smtp_port=str(self.smtp_port),
            public_url=self.gateway_url,
            **({"demo_data": "true"} if name in ("registry", "notifications") else {}),
            **({"lmtp_port": str(self.lmtp_port), "mail_domain": MAIL_DOMAIN} if name == "notifications" else {}),
        )
        args = [sys.executable, "-m", f"services.{name}"]
        return Child(name, args, env, self.var_dir / "log" / f"{name}.log", instance, own_session=True)

    def _gateway(self) -> Child:
        instance, fd = secrets.token_hex(8), self._plan.sockets["gateway"].fileno()
        env = self._env(
            "GATEWAY",
            environment="development",
            nats_url=self.nats.url,
            **self._nats_login("gateway"),
            port=str(self.gateway_port),
            database_url=f"sqlite+aiosqlite:///{(self.var_dir / 'db' / 'gateway').resolve()}.sqlite3",
            admin_token=self.admin_token,
            instance_id=instance,
            listen_fd=str(fd),
            public_url=self.gateway_url,
            mailbox_dir=str((self.var_dir / "mail").resolve()),  # the local mailbox pages read the sink's .eml files
        )
        log = self.var_dir / "log" / "gateway.log"
        return Child("gateway", [sys.executable, "-m", "services.gateway"], env, log, instance, (fd,), own_session=True)

    def _smtp_sink(self) -> Child:
        instance, fd = secrets.token_hex(8), self._plan.sockets["smtp"].fileno()
        args = [
            sys.executable,
            "-m",
            "beratungsnetz.runtime.smtp_sink",
            "--fd",
            str(fd),
            "--instance",
            instance,
            "--dir",
            str(self.var_dir / "mail"),
            "--lmtp-port",  # mail to a list's addresses goes on to the lists' inbox, as Postfix does it in production
            str(self.lmtp_port),
            "--list-domain",
            MAIL_DOMAIN,
        ]
        log = self.var_dir / "log" / "smtp-sink.log"
        return Child("smtp-sink", args, dict(os.environ), log, instance, (fd,), own_session=True)

    async def wait_healthy(self, timeout: float) -> None:
        broker = make_broker(ServiceSettings(nats_url=self.nats.url, **self._nats_login("gateway")))
        await broker.connect()
        try:
            # nats-py keeps the server's INFO only here; its name carries the instance id of our nats-server.
            if (name := broker.connection._server_info.get("server_name")) != self.nats.server_name:
                raise StartupFailed(
                    f"Unter {self.nats.url} antwortet ein fremder nats-server ({name}), nicht der eben gestartete"
                )
            await wait_healthy(self.children, lambda child: self._healthy(broker, child), timeout, error=StartupFailed)
        finally:
            await broker.stop()

    async def _healthy(self, broker: object, child: Child) -> bool:
        """Healthy, and the answer carries the child's own instance id: nobody else's server counts."""
        self.check_alive()  # nats-server too
        if child.name == "smtp-sink":
            return await asyncio.to_thread(smtp_is_ours, self.smtp_port, child.instance)
        if child.name == "gateway":
            answer = await asyncio.to_thread(gateway_health, self.gateway_url)
            if answer is not None and answer.get("instanz") != child.instance:
                raise StartupFailed(
                    f"Auf Port {self.gateway_port} antwortet ein anderes Programm als das eben gestartete Gateway"
                    f" ({holder(self.gateway_port) or 'unbekannt'}); siehe {child.log}"
                )
            return answer is not None and answer.get("status") == "ok"
        return await answers(broker, ok_and_ours)(child)

    def check_alive(self) -> None:
        for child in self.children:
            if (code := child.exit_code()) is not None:
                raise StartupFailed(f"{child.name} hat sich beendet (Code {code}); siehe {child.log}")
        if self.nats and self.nats.process and self.nats.process.poll() is not None:
            raise StartupFailed("nats-server hat sich beendet; siehe var/log/nats-server.log")

    def describe(self) -> dict:
        return {
            "gateway": self.gateway_url,
            "nats": self.nats.url,
            "nats_monitor": self.nats.monitor_url,
            "smtp": f"127.0.0.1:{self.smtp_port}",
            "lmtp": f"127.0.0.1:{self.lmtp_port}",
            "mail_dir": str((self.var_dir / "mail").resolve()),
            "pids": {c.name: c.pid for c in self.children} | {"nats-server": self.nats.process.pid},
            "logs": {c.name: str(c.log) for c in self.children},
            "cli_config": str((self.var_dir / "run" / "cli.json").resolve()),
            "nats_passwords": str((self.var_dir / "nats-passwords.json").resolve()),
        }

    def write_state(self) -> Path:
        cli = self.var_dir / "run" / "cli.json"  # what `beratungsnetz` commands use: gateway and admin token
        fd = os.open(cli.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"gateway": self.gateway_url, "token": self.admin_token}, out)
        cli.with_suffix(".tmp").rename(cli)
        path = self.var_dir / "run" / "system.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.describe(), indent=2, ensure_ascii=False))
        tmp.rename(path)  # atomic: readers see the whole file or none
        return path

    def stop(self) -> None:
        if self._plan:
            self._plan.close()
        for child in reversed(self.children):
            child.stop(timeout=10)
        if self.nats:
            self.nats.stop()
        (self.var_dir / "run" / "system.json").unlink(missing_ok=True)
        (self.var_dir / "run" / "cli.json").unlink(missing_ok=True)


NATS_USERS = ("system", *SERVICES, "gateway", "betrieb")
DEPLOY_ACCOUNTS = Path(__file__).resolve().parents[2] / "deploy" / "nats" / "accounts.conf"


def _nats_passwords(path: Path) -> dict[str, str]:
    """Per installation, made once and kept (mode 0600): a NATS password for each user of deploy/nats/accounts.conf."""
    if path.exists():
        kept = json.loads(path.read_text())
        if set(kept) >= set(NATS_USERS) and all(_readable_by_nats(p) for p in kept.values()):
            return kept
    # nats-server reads a variable's value as a configuration value: "3Ab…" would be a number followed by garbage
    # (it then refuses to start). A letter first and then only hex digits is always read as a plain string.
    passwords = {user: "n" + secrets.token_hex(24) for user in NATS_USERS}
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(passwords, out)
    path.with_suffix(".tmp").rename(path)
    return passwords


def _readable_by_nats(password: str) -> bool:
    return password[:1].isalpha() and password.isalnum()


def _admin_token(path: Path) -> str:
    """The first admin token of this installation, made once and kept (mode 0600) for later starts."""
    if path.exists():
        return path.read_text().strip()
    token = "bn_" + secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(token)
    return token


async def run_until_stopped(system: System, timeout: float, on_ready) -> int:  # noqa: ANN001
    """Start, wait for health, then watch the children until a signal or a crash."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        system.start()
        started = time.monotonic()
        await asyncio.wait_for(system.wait_healthy(timeout), timeout + 5)
        system.write_state()
        on_ready(system, time.monotonic() - started)
        while not stop.is_set():
            system.check_alive()
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except TimeoutError:
                pass
        return 0
    finally:
        system.stop()
