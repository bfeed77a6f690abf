"""The gateway as people and scripts meet it: fuzzed through its published OpenAPI, and honest about
a service that is down (503 for its routes only, within 2 s, back without a restart)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import start_gateway, start_service, stop, wait_healthy
from tests.e2e.test_up import start_up

pytestmark = pytest.mark.e2e
ADMIN = "bn_" + "t" * 43


@pytest.mark.timeout(480)  # schemathesis's own limit below; about two minutes under CI load
def test_fuzzing_the_published_openapi_finds_no_5xx_and_no_schema_violation(tmp_path: Path) -> None:
    proc, info, _ = start_up(tmp_path / "var")
    try:
        token = (tmp_path / "var/admin-token").read_text().strip()
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(Path(__file__).with_name("schemathesis.toml")),
                "run",
                f"{info['gateway']}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",  # the checks are in schemathesis.toml
                "--max-examples",
                "5",
                "--request-timeout",
                "20",
                "--generation-database",
                "none",
                "--seed",
                "20261121",
            ],
            capture_output=True,
            text=True,
            timeout=480,
            cwd=tmp_path,
        )
        summary = result.stdout[-3000:]
        assert result.returncode == 0, result.stdout[-30000:]  # every failure with its curl line to replay it
        assert "Tested: 67" in summary or "Tested:" in summary
        assert " passed" in summary and "failed" not in summary.split("Test cases:")[-1].splitlines()[1]
        print("\n" + "\n".join(line for line in summary.splitlines() if "generated" in line or "Tested" in line))
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(30)


@pytest.fixture
async def services(nats_server, broker, tmp_path: Path):
    await broker.connect()
    processes = {
        name: start_service(name, nats_server.url, tmp_path) for name in ("registry", "notifications", "events")
    }
    processes["gateway"], port = start_gateway(nats_server.url, tmp_path, admin_token=ADMIN)
    for name, process in processes.items():
        await wait_healthy(broker, name, process)
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10
    ) as http:
        yield http, processes, nats_server, tmp_path
    for process in processes.values():
        stop(process)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


async def test_a_stopped_service_makes_only_its_routes_503_and_they_return_by_themselves(services) -> None:
    http, processes, nats_server, tmp_path = services
    assert http.get("/api/v1/aktionen").status_code == 200
    stop(processes["events"])

    response, took = timed(lambda: http.get("/api/v1/aktionen"))
    assert response.status_code == 503 and took < 2.0
    assert response.headers["Retry-After"] and "antwortet gerade nicht" in response.json()["fehler"]
    planned, took = timed(
        lambda: http.post("/api/v1/aktionen/planen", json={"organiser_group_id": "g", "kind": "info", "title": "X"})
    )
    assert planned.status_code == 503 and took < 2.0
    assert http.get("/kalender.ics").status_code == 503

    # Everything else keeps working.
    assert http.get("/api/v1/gruppen").status_code == 200
    district = http.post("/api/v1/kreisverbaende/anlegen", json={"name": "Zwickau", "state": "SN"})
    assert district.status_code == 200 and district.json()["name"] == "Zwickau"
    assert http.get("/api/v1/verteiler").status_code == 200
    assert http.get("/verzeichnis.json").status_code == 200
    ready = http.get("/api/v1/ready")
    assert ready.status_code == 503 and ready.json()["dienste"]["events"] == "antwortet nicht"

    processes["events"] = start_service("events", nats_server.url, tmp_path)
    deadline = time.monotonic() + 30
    while (back := http.get("/api/v1/aktionen")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert back.status_code == 200  # the same gateway process, never restarted
    assert processes["gateway"].alive()


async def test_tokens_roles_and_scopes_are_enforced_with_german_messages(services) -> None:
    http, *_ = services
    assert httpx.get(f"{str(http.base_url).rstrip('/')}/api/v1/gruppen").status_code == 401
    wrong = httpx.get(f"{str(http.base_url).rstrip('/')}/api/v1/gruppen", headers={"Authorization": "Bearer falsch"})
    assert wrong.status_code == 401 and "Anmeldung erforderlich" in wrong.json()["fehler"]
    board = http.post(
        "/api/v1/tokens/anlegen", json={"name": "Vorstand", "role": "board", "address": "vorstand@example.org"}
    ).json()
    as_board = {"Authorization": f"Bearer {board['token']}"}
    assert (
        httpx.get(f"{str(http.base_url).rstrip('/')}/api/v1/gruppen", headers=as_board).status_code == 200
    )  # the board reads everything
    refused = httpx.post(
        f"{str(http.base_url).rstrip('/')}/api/v1/kreisverbaende/anlegen",
        json={"name": "X", "state": "SN"},
        headers=as_board,
    )
    assert refused.status_code == 403 and "Berechtigung" in refused.json()["fehler"]
    tokens = http.get("/api/v1/tokens").json()
    assert all("token" not in t and "token_hash" not in t for t in tokens)  # the secret is never shown again
    http.post("/api/v1/tokens/widerrufen", json={"id": board["id"]})
    assert httpx.get(f"{str(http.base_url).rstrip('/')}/api/v1/gruppen", headers=as_board).status_code == 401

    group = http.post("/api/v1/gruppen/gruenden", json={"name": "Vogtland", "state": "SN"}).json()
    other = http.post("/api/v1/gruppen/gruenden", json={"name": "Erzgebirge", "state": "SN"}).json()
    coordinator = http.post(
        "/api/v1/tokens/anlegen",
        json={"name": "Kathrin", "role": "coordinator", "scope": group["group_id"], "address": "kathrin@example.org"},
    ).json()
    as_coordinator = {"Authorization": f"Bearer {coordinator['token']}"}
    own = {"organiser_group_id": group["group_id"], "kind": "treffen", "title": "Treffen", "as_idea": True}
    deadline = time.monotonic() + 5
    while (
        planned := httpx.post(
            f"{str(http.base_url).rstrip('/')}/api/v1/aktionen/planen", json=own, headers=as_coordinator
        )
    ).status_code == 404:
        assert time.monotonic() < deadline  # the group reaches action planning within moments
        time.sleep(0.1)
    assert planned.status_code == 200
    foreign = httpx.post(
        f"{str(http.base_url).rstrip('/')}/api/v1/aktionen/planen",
        json=own | {"organiser_group_id": other["group_id"]},
        headers=as_coordinator,
    )
    assert foreign.status_code == 403


async def test_a_work_plan_import_that_takes_nothing_is_a_german_422(services) -> None:
    http, *_ = services
    empty = http.post("/api/v1/arbeitsplan/import", json={"text": ""})  # refused by the contract, as its schema says
    assert empty.status_code == 422 and empty.json()["felder"]["text"] == "Zu kurz: mindestens 1 Zeichen."
    no_v = "Arbeitsplan 2027\n\nEin Absatz, zu dem niemand ein V geschrieben hat.\nT: Mai\n"
    refused = http.post(
        "/api/v1/arbeitsplan/import", json={"text": no_v}
    )  # refused by action planning: nothing to take
    assert refused.status_code == 422 and refused.json()["code"] == "ungueltige_eingabe", refused.text
    assert "Kein Punkt übernommen" in refused.json()["fehler"]
    natural = "Arbeitsplan 2027\nDie Liste wird gepflegt.\nT: monatlich\nV: Beiträge – alle, Einstellung - Kathrin\n"
    taken = http.post("/api/v1/arbeitsplan/import", json={"text": natural})
    assert taken.status_code == 200 and [i["timing"]["kind"] for i in taken.json()["items"]] == ["wiederkehrend"]


async def test_an_admin_token_moderates_every_list_without_a_moderator_field(services) -> None:
    http, *_ = services
    created = http.post("/api/v1/verteiler/anlegen", json={"name": "Landesweit", "policy": "moderiert"})
    assert created.status_code == 200, created.text
    list_id = created.json()["list_id"]
    for path in ("/api/v1/verteiler/anfragen", "/api/v1/verteiler/mitglieder", "/api/v1/verteiler/protokoll"):
        assert http.get(path, params={"list_id": list_id}).status_code == 200, path
    added = http.post(
        "/api/v1/verteiler/mitglied-hinzufuegen", json={"list_id": list_id, "address": "bernd@example.org"}
    )
    assert added.status_code == 200 and added.json()["status"] == "aktiv"
    decided = http.post(
        "/api/v1/verteiler/entscheiden",
        json={"list_id": list_id, "request_id": "gibt-es-nicht", "decision": "annehmen"},
    )
    assert decided.status_code == 404, decided.text  # past the moderation check: only the request is unknown
