"""`beratungsnetz up` as a subprocess: healthy within 60 s, and nothing left behind after stopping."""

from __future__ import annotations

import asyncio
import json
import os
import re
import selectors
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import nats
import pytest

from shared.contracts import registry
from shared.messaging.broker import make_broker
from shared.messaging.rpc import request
from shared.settings import ServiceSettings
from tests.strangers import foreign_http_server
from tests.support import test_start_text

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


FREE_PORTS = (
    *("--gateway-port", "0", "--nats-port", "0", "--smtp-port", "0", "--nats-monitor-port", "0"),
    *("--lmtp-port", "0"),
)


def start_up(var_dir: Path, ports: tuple[str, ...] = FREE_PORTS) -> tuple[subprocess.Popen, dict, float]:
    """`beratungsnetz up` (on free ports unless told); returns the process, what it printed (endpoints, pids) and the time to ready."""
    args = [str(BIN / "beratungsnetz"), "up", "--json", *ports]
    env = dict(os.environ, BERATUNGSNETZ_VAR_DIR=str(var_dir), BERATUNGSNETZ_CLOCK_START=test_start_text())
    started = time.monotonic()
    # Its own process group, as a shell gives a foreground job: Ctrl-C goes to the whole group.
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=60):
        proc.kill()
        pytest.fail(f"Nicht innerhalb von 60 s bereit: {proc.stderr.read1().decode()}")
    line = proc.stdout.readline()
    if not line:
        pytest.fail(f"beratungsnetz up beendet: {proc.wait()} {proc.stderr.read().decode()}")
    return proc, json.loads(line), time.monotonic() - started


async def demo_register(nats_url: str, passwords: dict[str, str]) -> tuple[list[str], int]:
    """Asked as the gateway asks (its NATS user): `up` admits no anonymous client."""
    broker = make_broker(ServiceSettings(nats_url=nats_url, nats_user="gateway", nats_password=passwords["gateway"]))
    await broker.connect()
    try:
        for _ in range(50):  # the demo data is loaded right after the registry reports healthy
            offices = (await request(broker, registry.OFFICES, registry.ListQuery(), timeout=5)).data.offices
            if len(offices) == 9:
                break
            await asyncio.sleep(0.2)
        groups = (await request(broker, registry.GROUPS, registry.ListQuery(state="SN"), timeout=5)).data.groups
        return [g.name for g in groups], len(offices)
    finally:
        await broker.stop()


async def refused_without_login(nats_url: str, passwords: dict[str, str]) -> list[str]:
    refused = []
    try:
        await nats.connect(nats_url, allow_reconnect=False, connect_timeout=2)
    except Exception:  # noqa: BLE001 - "Authorization Violation": whatever nats-py raises for it
        refused.append("anonym")
    errors: list[Exception] = []

    async def on_error(exc: Exception) -> None:
        errors.append(exc)

    client = await nats.connect(nats_url, user="registry", password=passwords["registry"], error_cb=on_error)
    try:
        answered = True
        try:
            await client.request("notifications.query.members", b"{}", timeout=1)
        except Exception:  # noqa: BLE001 - no reply is what we want; the reason is checked below
            answered = False
        await asyncio.sleep(0.3)  # the server's -ERR arrives on its own
        if not answered and any("permissions violation" in str(e).lower() for e in errors):
            refused.append("registry")
    finally:
        await client.close()
    return refused


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop", ["strg-c", "sigterm"])
def test_up_brings_everything_to_healthy_and_stops_cleanly(tmp_path: Path, stop: str) -> None:
    proc, info, seconds = start_up(tmp_path / "var")
    pids = info["pids"]
    try:
        assert seconds < 60
        assert set(pids) == {"nats-server", "smtp-sink", "registry", "notifications", "events", "gateway"}
        assert all(alive(pid) for pid in pids.values())
        # The project's own nats-server from the PyPI package, not a system one.
        assert Path(f"/proc/{pids['nats-server']}/exe").resolve() == (BIN / "nats-server").resolve()

        with urllib.request.urlopen(f"{info['gateway']}/api/v1/ready", timeout=5) as resp:  # noqa: S310 - an http URL on loopback that we built ourselves
            ready = json.load(resp)
        assert ready == {"status": "bereit", "dienste": {"registry": "ok", "notifications": "ok", "events": "ok"}}

        passwords = json.loads(Path(info["nats_passwords"]).read_text())
        groups, offices = asyncio.run(demo_register(info["nats"], passwords))
        # Without a password, or as one service asking another's question it may not ask, NATS refuses.
        assert asyncio.run(refused_without_login(info["nats"], passwords)) == ["anonym", "registry"]
        assert groups == ["Chemnitz", "Dresden", "Erzgebirge", "Leipzig", "Vogtland"] and offices == 9

        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "test@example.org", "vorstand@example.org", "Grüße"
        mail.set_content("Hallo aus dem Test")
        host, port = info["smtp"].split(":")
        with smtplib.SMTP(host, int(port), timeout=5) as smtp:
            smtp.send_message(mail)
        stored = [p for p in Path(info["mail_dir"]).glob("*.eml") if "Hallo aus dem Test" in p.read_text()]
        assert len(stored) == 1  # beside the demo lists' welcome mails
        # Issue 20: a post to a list's address, sent to the local SMTP endpoint, reaches the list (sink -> LMTP).
        post = EmailMessage()
        post["From"], post["Subject"] = "Kathrin <kathrin@example.org>", "Treffen am Montag"
        post["To"] = "lag-hartz-iv-sachsen@beratungsnetz.example"
        post.set_content("Wir treffen uns um 18 Uhr.")
        with smtplib.SMTP(host, int(port), timeout=10) as smtp:
            smtp.send_message(post)
        deadline = time.monotonic() + 20
        while not (
            copies := [
                p
                for p in Path(info["mail_dir"]).glob("*.eml")
                if "[LAG Hartz IV Sachsen] Treffen am Montag" in p.read_text(errors="replace")
            ]
        ):
            assert time.monotonic() < deadline, "kein Listenbeitrag in var/mail"
            time.sleep(0.2)
        assert "X-Sink-Rcpt-To: kathrin@example.org" in copies[0].read_text(errors="replace")
        assert info["lmtp"].startswith("127.0.0.1:")
        # var/ is its owner's alone: the databases (who is on which list), mails, logs, the admin token.
        var = tmp_path / "var"
        modes = {str(p.relative_to(var)): p.stat().st_mode & 0o777 for p in [var, *var.rglob("*")]}
        assert modes["db/notifications.sqlite3"] == 0o600 and modes["db"] == 0o700 and modes["."] == 0o700
        assert {m for m in modes.values() if m & 0o077} == set(), {k: oct(m) for k, m in modes.items() if m & 0o077}
        # The gateway's local mailbox reads the same directory (`up` passes MAILBOX_DIR).
        with urllib.request.urlopen(f"{info['gateway']}/postfach", timeout=5) as resp:  # noqa: S310 - as above
            assert f'href="/postfach/{stored[0].name}">Grüße</a>' in resp.read().decode()
    finally:
        if stop == "strg-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)

    assert code == 0, proc.stderr.read().decode()
    leftovers = {name: pid for name, pid in pids.items() if alive(pid)}
    assert leftovers == {}
    assert not (tmp_path / "var/run/system.json").exists()


def test_make_up_starts_within_60_seconds_and_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    venv = Path(sys.prefix)
    env = dict(os.environ, BERATUNGSNETZ_VAR_DIR=str(tmp_path / "var"))
    state = tmp_path / "var/run/system.json"
    # Only when the environment is already installed is this a test of start-up time alone.
    budget = 60 if (venv / ".installed").exists() else 240
    started = time.monotonic()
    make = subprocess.Popen(
        ["make", "-C", str(root), "up", f"VENV={venv}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        while not state.exists():
            assert make.poll() is None, make.stderr.read().decode()
            assert time.monotonic() - started < budget, "make up wurde nicht rechtzeitig bereit"
            time.sleep(0.2)
        pids = json.loads(state.read_text())["pids"]
        assert all(alive(pid) for pid in pids.values())
    finally:
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        make.wait(timeout=30)
    leftovers = {name: pid for name, pid in pids.items() if alive(pid)}
    assert leftovers == {}


def refused_start(var_dir: Path, *ports: str) -> subprocess.CompletedProcess:
    """`beratungsnetz up` expected to stop before announcing anything."""
    args = [str(BIN / "beratungsnetz"), "up", "--json", *ports]
    env = dict(os.environ, BERATUNGSNETZ_VAR_DIR=str(var_dir))
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_up_never_announces_a_gateway_port_answered_by_another_program(tmp_path: Path) -> None:
    with foreign_http_server() as stranger:  # answers 200 on /api/v1/health, too
        done = refused_start(tmp_path / "var", *FREE_PORTS[2:], "--gateway-port", str(stranger))
    assert done.returncode == 1
    assert done.stdout == ""  # no endpoints announced
    said = " ".join(done.stderr.split())
    assert f"Port {stranger} für Gateway (HTTP) ist belegt von PID {os.getpid()}" in said, said
    assert "--gateway-port NUMMER" in said
    assert not (tmp_path / "var/run/system.json").exists()


def unsubscribe_link(mail_dir: Path) -> str:
    for path in sorted(mail_dir.glob("*.eml")):
        header = message_from_bytes(path.read_bytes(), policy=policy.default)["List-Unsubscribe"]
        if header and (link := re.search(r"<(http[^>]*/abmelden\?token=[^>]*)>", str(header))):
            return link.group(1)
    raise AssertionError("keine Mail mit Abmeldelink")


def test_a_restart_keeps_the_ports_so_mailed_links_still_work(tmp_path: Path) -> None:
    var = tmp_path / "var"
    proc, first, _ = start_up(var)
    try:
        deadline = time.monotonic() + 30  # the demo lists welcome their members right after start
        while not list(Path(first["mail_dir"]).glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.2)
        link = unsubscribe_link(Path(first["mail_dir"]))
        assert link.startswith(f"{first['gateway']}/abmelden?token=")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(30) == 0
    kept = json.loads((var / "ports.json").read_text())

    # Another program on the kept gateway port: refused, saying where the mailed links point and what to do.
    with foreign_http_server(kept["gateway"]):
        done = refused_start(var)
    said = " ".join(done.stderr.split())
    assert done.returncode == 1 and done.stdout == ""
    assert f"Port {kept['gateway']} für Gateway (HTTP) ist belegt von PID {os.getpid()}" in said, said
    assert "ports.json" in said and f"{first['gateway']}" in said  # where the links already mailed point
    assert json.loads((var / "ports.json").read_text()) == kept

    proc, second, _ = start_up(var, ports=())
    try:
        assert (second["gateway"], second["nats"], second["smtp"], second["nats_monitor"]) == (
            first["gateway"],
            first["nats"],
            first["smtp"],
            first["nats_monitor"],
        )
        with urllib.request.urlopen(link, timeout=10) as resp:  # the link mailed before the restart  # noqa: S310 - an http URL on loopback that we built ourselves
            assert resp.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(30) == 0
