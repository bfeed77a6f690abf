"""Federation (deploy/federation): two state associations as leaf nodes with their own JetStream domains,
and the federal hub sourcing their actions; a state cut off for a while delivers its backlog afterwards."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

import nats
import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from beratungsnetz.runtime.federation import FEDERAL_STREAM, declare, declare_stream, outgoing_stream
from beratungsnetz.runtime.nats_server import nats_server_binary
from beratungsnetz.runtime.ports import free_port
from shared.contracts import events as e
from shared.contracts import registry as r
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import ServiceUnavailable, request
from shared.settings import ServiceSettings
from tests.deploy_support import DEPLOY, PASSWORDS, SECRET_ENV, service_env
from tests.e2e.processes import start_service, stop, wait_healthy

pytestmark = pytest.mark.e2e
LEAF = {"sn": ("sachsen", "pw-leaf-sn"), "hh": ("hamburg", "pw-leaf-hh")}


class Server:
    def __init__(self, base: Path, name: str, config: str, env: dict[str, str]) -> None:
        self.name, self.config, self.client, self.monitor = name, config, free_port(), free_port()
        self.env = {**os.environ, **SECRET_ENV, "NATS_SERVER_NAME": name, "NATS_STORE_DIR": str(base / name), **env}
        self.log, self.process = base / f"{name}.log", None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client}"

    def start(self) -> Server:
        args = [
            str(nats_server_binary()),
            "-c",
            str(DEPLOY / self.config),
            "-a",
            "127.0.0.1",
            "-p",
            str(self.client),
            "-m",
            str(self.monitor),
        ]
        self.process = subprocess.Popen(args, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.monitor}/healthz?js-enabled-only=true", timeout=1
                ) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            assert time.monotonic() < deadline and self.process.poll() is None, self.log.read_text()[-2000:]
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_hub(base: Path, leaf_port: int) -> Server:
    """The federal hub from deploy/federation/hub.conf, leaf nodes of Sachsen and Hamburg welcome."""
    env = {"LEAF_LISTEN": f"127.0.0.1:{leaf_port}", "BUND_NATS_PASSWORD": "pw-bund", "LEAF_NRW_PASSWORD": "pw-leaf-nw"}
    env |= {"LEAF_SACHSEN_PASSWORD": LEAF["sn"][1], "LEAF_HAMBURG_PASSWORD": LEAF["hh"][1]}
    return Server(base, "hub", "federation/hub.conf", env).start()


async def declare_outgoing(state: Server, domain: str) -> None:
    """The state operator's step: the outgoing stream BUND_<LAND> (python -m beratungsnetz.runtime.federation land)."""
    nc = await nats.connect(state.url, user="betrieb", password=PASSWORDS["betrieb"], inbox_prefix=b"_INBOX_betrieb")
    try:
        await declare_stream(nc.jetstream(), outgoing_stream(domain, replicas=1))
    finally:
        await nc.close()


async def ask(broker, spec, payload):
    for _ in range(50):
        try:
            reply = await request(broker, spec, payload, timeout=5)
            if reply.ok or reply.error.code != "nicht_gefunden":
                return reply
        except ServiceUnavailable:
            pass
        await asyncio.sleep(0.2)  # the group has not reached action planning yet
    raise AssertionError(f"{spec.subject} ohne Antwort")


async def federal_actions(hub: Server) -> Counter:
    return Counter({k: v for k, v in (await federal_subjects(hub)).items() if ".events.action." in k})


async def federal_subjects(hub: Server) -> Counter:
    nc = await nats.connect(hub.url, user="bund", password="pw-bund")
    try:
        js = nc.jetstream()
        total = (await js.stream_info(FEDERAL_STREAM)).state.messages
        found = []
        if total:
            sub = await js.pull_subscribe(
                "", stream=FEDERAL_STREAM, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
            )
            while len(found) < total:
                found += await sub.fetch(min(100, total - len(found)), timeout=5)
            await sub.unsubscribe()
        return Counter(m.subject for m in found)
    finally:
        await nc.close()


@pytest.mark.timeout(300)  # two state stacks, a hub and a cut; about 50 s alone, more under CI load
async def test_actions_of_two_states_reach_the_federal_stream_and_a_backlog_arrives_after_a_cut(tmp_path: Path) -> None:
    leaf_port = free_port()
    hub = start_hub(tmp_path, leaf_port)
    states = {
        d: Server(
            tmp_path,
            f"land-{d}",
            "federation/state.conf",
            {"STATE_DOMAIN": d, "HUB_LEAF_URL": f"nats-leaf://{user}:{pw}@127.0.0.1:{leaf_port}"},
        ).start()
        for d, (user, pw) in LEAF.items()
    }
    processes, clients = [], {}
    try:
        for domain, server in states.items():
            base = tmp_path / domain
            base.mkdir()
            for service in ("registry", "events"):
                processes.append(
                    start_service(service, server.url, base, **service_env(service) | {"stream_replicas": "1"})
                )
            clients[domain] = make_broker(
                ServiceSettings(nats_url=server.url, nats_user="gateway", nats_password=PASSWORDS["gateway"])
            )
            await clients[domain].connect()
        for process, (domain, service) in zip(
            processes, [(d, s) for d in states for s in ("registry", "events")], strict=True
        ):
            await wait_healthy(clients[domain], service, process)
        for domain, server in states.items():
            await declare_outgoing(server, domain)
        hub_nc = await nats.connect(hub.url, user="bund", password="pw-bund")
        await declare(hub_nc.jetstream(), list(states))
        await hub_nc.close()

        groups = {}
        for domain, name in (("sn", "Vogtland"), ("hh", "Altona")):
            groups[domain] = (
                await ask(clients[domain], r.FORM_GROUP, r.FormGroup(name=name, state=domain.upper()))
            ).data.group_id

        async def plan(domain: str, title: str) -> None:
            reply = await ask(
                clients[domain],
                e.PLAN_ACTION,
                e.PlanAction(
                    organiser_group_id=groups[domain],
                    kind="info",
                    title=title,
                    start=datetime(2026, 12, 3, 18),
                    end=datetime(2026, 12, 3, 20),
                ),
            )
            assert reply.ok, reply.error

        await plan("sn", "Infoabend Plauen")
        await plan("hh", "Infoabend Altona")
        expected = Counter({"sn.events.action.planned.v1": 1, "hh.events.action.planned.v1": 1})
        deadline = time.monotonic() + 30
        while (found := await federal_actions(hub)) != expected:
            assert time.monotonic() < deadline, found
            await asyncio.sleep(0.5)
        progress = {k for k in await federal_subjects(hub) if ".events.progress." in k}
        assert progress == {"sn.events.progress.compiled.v1", "hh.events.progress.compiled.v1"}  # each state's report
        # Only the sourced subjects cross; no state's stream caught the other's events.
        assert (await ask(clients["sn"], r.GROUPS, r.ListQuery())).data.groups[0].name == "Vogtland"
        assert [g.name for g in (await ask(clients["hh"], e.GROUPS, e.GroupsQuery())).data.groups] == ["Altona"]

        hub.stop()  # the states are cut off from the federation; their own work goes on
        for n in range(3):
            await plan("hh", f"Aktion während der Trennung {n}")
        await asyncio.sleep(2)
        hub.start()
        expected["hh.events.action.planned.v1"] += 3
        deadline = time.monotonic() + 60
        while (found := await federal_actions(hub)) != expected:
            assert time.monotonic() < deadline, found
            await asyncio.sleep(0.5)
        print(f"\nNach der Trennung im Bundes-Stream: {dict(found)}")
    finally:
        for client in clients.values():
            await stop_quietly(client)
        for process in processes:
            stop(process)
        for server in (*states.values(), hub):
            server.stop()
