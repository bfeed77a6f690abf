"""The production NATS cluster (deploy/nats/cluster.conf, three nodes on loopback) under the services, with
one node killed in the middle of a workload: no event lost, no mail twice, everyone reconnects by themselves."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest

from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.broker import make_broker, stop_quietly
from shared.messaging.rpc import ServiceUnavailable, request
from shared.settings import ServiceSettings
from tests.deploy_support import PASSWORDS, Cluster, service_env
from tests.e2e.processes import start_service, stop, wait_healthy
from tests.smtp import SmtpServer

pytestmark = pytest.mark.e2e
GROUPS = 60


async def ask(broker, spec, payload, timeout: float = 10):
    """A client that retries while the cluster elects new leaders, as the gateway's callers would."""
    for _attempt in range(40):
        try:
            reply = await request(broker, spec, payload, timeout=timeout)
        except ServiceUnavailable:
            await asyncio.sleep(0.25)
            continue
        if reply.ok or reply.error.code != "interner_fehler":
            return reply
        await asyncio.sleep(0.25)
    raise AssertionError(f"{spec.subject} antwortet nicht")


async def test_one_nats_node_killed_mid_workload_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path / "cluster").start_all()
    smtp = SmtpServer().start()
    processes = {}
    client = make_broker(
        ServiceSettings(nats_url=cluster.urls, nats_user="gateway", nats_password=PASSWORDS["gateway"])
    )
    try:
        for service in ("registry", "events", "notifications"):
            extra = {"smtp_port": str(smtp.port), "delivery_poll_seconds": "0.2"} if service == "notifications" else {}
            processes[service] = start_service(
                service, cluster.urls, tmp_path, secret_key="x" * 40, **service_env(service), **extra
            )
        await client.connect()
        for service, process in processes.items():
            await wait_healthy(client, service, process, timeout=60)
        created = await ask(
            client,
            n.CREATE_LIST,
            n.CreateList(name="Landesvorstand", policy="moderiert", owner_address="vorstand@example.org"),
        )
        assert created.ok, created.error

        formed = []
        for i in range(GROUPS):
            if i == GROUPS // 3:
                cluster.kill(cluster.nodes[0])  # SIGKILL, no goodbye, while the services are busy
                killed_at = time.monotonic()
            reply = await ask(
                client,
                r.FORM_GROUP,
                r.FormGroup(
                    name=f"Gruppe {i:02d}",
                    state="SN",
                    coordinator=r.Coordinator(name=f"K{i}", email=f"k{i:02d}@example.org"),
                ),
            )
            assert reply.ok, reply.error
            formed.append(reply.data.group_id)

        for service, process in processes.items():  # still there, reconnected by themselves
            assert process.alive(), service
            await wait_healthy(client, service, process, timeout=30)

        async def everywhere() -> bool:
            replica = (await ask(client, e.GROUPS, e.GroupsQuery())).data.groups
            lists = (await ask(client, n.LISTS, n.ListsQuery())).data.lists
            welcomes = [
                m for m in smtp.mailbox.received if "Willkommen" in m.message["Subject"] and m.recipient.startswith("k")
            ]
            return (
                len(replica) == GROUPS and len([x for x in lists if x.group_id]) == GROUPS and len(welcomes) >= GROUPS
            )

        deadline = time.monotonic() + 90
        while not await everywhere():
            assert time.monotonic() < deadline, "nicht alles angekommen"
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)  # anything still in flight would show up as a duplicate now
        print(
            f"\nKnoten 1 nach {GROUPS // 3} von {GROUPS} Gruppen getötet; alles angekommen "
            f"{time.monotonic() - killed_at:.1f} s danach"
        )

        held = {g.group_id for g in (await ask(client, r.GROUPS, r.ListQuery())).data.groups}
        assert held == set(formed)
        welcomes = Counter(
            m.recipient
            for m in smtp.mailbox.received
            if "Willkommen im Verteiler „Regionalgruppe" in m.message["Subject"]
        )
        assert welcomes == Counter({f"k{i:02d}@example.org": 1 for i in range(GROUPS)})  # each coordinator exactly once
        board = Counter(
            m.message["Subject"]
            for m in smtp.mailbox.received
            if m.recipient == "vorstand@example.org" and m.message["Subject"].startswith("Neue Regionalgruppe")
        )
        assert board == Counter({f"Neue Regionalgruppe: Gruppe {i:02d}": 1 for i in range(GROUPS)})
    finally:
        await stop_quietly(client)
        for process in processes.values():
            stop(process)
        smtp.stop()
        cluster.stop()
