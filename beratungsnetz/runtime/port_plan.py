"""Which ports `beratungsnetz up` uses: chosen at the first start, kept in var/ports.json ever after.

Mails carry links with the gateway's address (PUBLIC_URL), valid for a year; a restart on another
port would kill every one of them. So a kept port that is taken is an error that says what to do,
never a silent switch. Gateway and SMTP sink sockets are bound here and handed to the children.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from beratungsnetz.runtime.ports import PortTaken, holder, listen, load, save


@dataclass(frozen=True)
class Part:
    label: str
    default: int
    option: str


PARTS = {
    "gateway": Part("Gateway (HTTP)", 8000, "--gateway-port"),
    "smtp": Part("SMTP-Senke", 8025, "--smtp-port"),
    "nats": Part("nats-server", 4222, "--nats-port"),
    "nats_monitor": Part("NATS-Überwachung", 8222, "--nats-monitor-port"),
    "lmtp": Part("LMTP-Eingang der Verteiler", 8024, "--lmtp-port"),  # issue 20: the notifications service binds it
}
HELD = ("gateway", "smtp")  # bound here, served by the child; nats-server and the LMTP inbox bind their own


@dataclass
class PortPlan:
    ports: dict[str, int]
    sockets: dict[str, socket.socket] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        for sock in self.sockets.values():
            sock.close()


def reserve(file: Path, requested: dict[str, int | None]) -> PortPlan:
    """Bind every port: an explicitly requested one (0: any free), else the kept one, else the default or a free one."""
    kept = load(file)
    plan = PortPlan({})
    try:
        for name, part in PARTS.items():
            port = requested.get(name)
            strict = port is not None or name in kept
            port = port if port is not None else kept.get(name, part.default)
            try:
                sock = listen(port)
            except OSError:
                if strict:
                    raise PortTaken(taken_message(name, port, file, kept=kept.get(name) == port)) from None
                sock = listen(0)
            plan.ports[name] = sock.getsockname()[1]
            if name in HELD:
                plan.sockets[name] = sock
            else:
                sock.close()  # nats-server binds it itself; if someone is quicker, it exits and says so
    except BaseException:
        plan.close()
        raise
    if (old := kept.get("gateway")) and old != plan.ports["gateway"]:
        plan.notices.append(
            f"Das Gateway läuft jetzt auf Port {plan.ports['gateway']} statt {old}: "
            f"bereits verschickte Links zeigen weiter auf http://127.0.0.1:{old}."
        )
    save(file, plan.ports)
    return plan


def taken_message(name: str, port: int, file: Path, kept: bool) -> str:
    """German: which port, who holds it, and how to free it or choose another."""
    part = PARTS[name]
    who = holder(port)
    text = f"Port {port} für {part.label} ist belegt" + (
        f" von {who}." if who else " (`ss -ltnp` zeigt, von welchem Programm)."
    )
    if kept:
        text += f" Diesen Port hat Beratungsnetz beim ersten Start gewählt und in {file} vermerkt."
    if name == "gateway":
        text += f" Bereits verschickte Links (z. B. zum Abmelden, ein Jahr gültig) zeigen auf http://127.0.0.1:{port}."
    stop = f"das andere Programm beenden (kill {who.split()[1]})" if who else "das andere Programm beenden"
    text += f" Abhilfe: {stop} und erneut starten, oder mit `beratungsnetz up {part.option} NUMMER` einen anderen Port wählen"
    return text + (" – dann führen die alten Links ins Leere." if name == "gateway" and kept else ".")
