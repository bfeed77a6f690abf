"""Journeys 1–6 end to end, driven only through the `beratungsnetz` CLI and HTTP against `beratungsnetz up`,
with the mails read from the SMTP sink's .eml files."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_up import start_up
from tests.support import brief_file
from tests.web import form_token

pytestmark = pytest.mark.e2e
SEED = "seeds/004_34595da5e9f5134e.txt"  # the team's brief beside the checkout; absent in a plain clone
LAG = "lag-hartz-iv-sachsen"


class System:
    def __init__(self, var: Path, info: dict) -> None:
        self.var, self.info = var, info
        self.http = httpx.Client(base_url=info["gateway"], timeout=20)

    def cli(self, *args: str, token: str | None = None, expect: int = 0):
        env = dict(os.environ, BERATUNGSNETZ_VAR_DIR=str(self.var))
        if token:
            env["BERATUNGSNETZ_TOKEN"] = token
        done = subprocess.run(
            [str(Path(sys.executable).parent / "beratungsnetz"), "--json", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == expect, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return json.loads(done.stdout) if done.stdout.strip().startswith(("{", "[")) else done.stdout

    def mails(self, to: str, subject: str, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for path in sorted((self.var / "mail").glob("*.eml")):
                raw = path.read_bytes()
                if f"X-Sink-Rcpt-To: {to}".encode() in raw.split(b"\r\n\r\n", 1)[0]:
                    msg = message_from_bytes(raw, policy=policy.default)
                    if subject in msg["Subject"]:
                        found.append(msg)
            if found or time.monotonic() > deadline:
                assert found, f"keine Mail „{subject}“ an {to}"
                return found
            time.sleep(0.2)

    def press(self, page: httpx.Response, path: str, data: dict) -> httpx.Response:
        """Send the form of `page` as a browser does: with the page's CSRF token, from the gateway's own origin."""
        consent = re.search(r'name="consent_version" value="([^"]+)"', page.text)  # a hidden field, sent along
        fields = {
            "csrf_token": form_token(page.text),
            **({"consent_version": consent.group(1)} if consent else {}),
            **data,
        }
        return self.http.post(path, data=fields, headers={"Origin": str(self.http.base_url).rstrip("/")})

    def follow(self, msg, path: str) -> str:
        text = msg.get_body(("plain",)).get_content()
        token = next(w for w in text.split() if f"/{path}?token=" in w).split("token=", 1)[1]
        page = self.http.get(f"/{path}", params={"token": token})
        assert page.status_code == 200
        answer = self.press(page, f"/{path}", {"token": token})
        assert answer.status_code == 200, answer.text
        return answer.text


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory):
    var = tmp_path_factory.mktemp("cli") / "var"
    os.environ["BERATUNGSNETZ_EVENTS_SCHEDULER_SECONDS"] = "1"  # the periodic job, quickly, for the test
    try:
        proc, info, _ = start_up(var)
    finally:
        del os.environ["BERATUNGSNETZ_EVENTS_SCHEDULER_SECONDS"]
    system = System(var, info)
    deadline = time.monotonic() + 30  # the demo register and lists are loaded right after start
    while len(system.cli("verteiler", "liste")["lists"]) < 8 and time.monotonic() < deadline:
        time.sleep(0.3)
    yield system
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(30)


def ids(system: System, kind: str) -> dict[str, str]:
    if kind == "gruppen":
        return {g["name"]: g["group_id"] for g in system.cli("gruppen", "liste")["groups"]}
    return {d["name"]: d["district_id"] for d in system.cli("kreisverbaende", "liste", "--land", "SN")["districts"]}


def test_journey_1_register(system: System, tmp_path: Path) -> None:
    csv = tmp_path / "stellen.csv"
    csv.write_text(
        "\ufeffName;Trägerart;Träger;Straße;PLZ;Ort;Telefon;Sprechzeiten;Beratungsfelder;Kreisverband\n"
        "Sozialberatung Zwickau-Nord;Kreisverband;DIE LINKE Zwickau;Marktplatz 1;08056;Zwickau;0375 5550100;"
        "montags 10–12 Uhr;Bürgergeld;Zwickau\n"
        "Kaputte Stelle;Kreisverband;DIE LINKE;Weg 1;123;Zwickau;;;;Zwickau\n",
        encoding="utf-8",
    )
    report = system.cli("stellen", "import", str(csv), expect=1)  # one broken row: exit code 1, the rest imported
    assert report["created"] == 1 and [(e["line"], "Postleitzahl" in e["reason"]) for e in report["errors"]] == [
        (3, True)
    ]
    again = system.cli("stellen", "import", str(csv), expect=1)
    assert (again["created"], again["unchanged"]) == (0, 1)

    office = system.cli(
        "stellen",
        "eintragen",
        "--name",
        "Sozialsprechstunde im Wahlkreisbüro Zwickau",
        "--traegerart",
        "abgeordnetenbuero",
        "--traeger",
        "Wahlkreisbüro MdL",
        "--strasse",
        "Hauptmarkt 7",
        "--plz",
        "08056",
        "--ort",
        "Zwickau",
        "--telefon",
        "0375 5550107",
        "--sprechzeiten",
        "dienstags 14–17 Uhr",
        "--felder",
        "Bürgergeld",
        "--felder",
        "Energiearmut",
        "--kreisverband",
        ids(system, "kv")["Zwickau"],
        "--berater",
        "Anna Öffentlich <anna.b@example.org>",
        "--namen-veroeffentlichen",
        "--anleitung",
        "RA K. Muster",
        "--anleitung-seit",
        "01.10.2026",
    )
    assert office["supervision"]["lawyer_name"] == "RA K. Muster" and office["hours"][0]["kind"] == "woechentlich"
    for path, marker in (
        ("/verzeichnis", "Wahlkreisbüro Zwickau"),
        ("/verzeichnis.json", "Wahlkreisbüro Zwickau"),
        ("/verzeichnis.csv", "Hauptmarkt 7"),
        ("/hsds/services", '"contents": ['),
        ("/verzeichnis.ics", "RRULE:FREQ=WEEKLY;BYDAY=TU"),
    ):
        page = system.http.get(path)
        assert page.status_code == 200 and marker in page.text, path
    coverage = system.cli("abdeckung", "--land", "SN")
    assert ("kreis_ohne_stelle", "Bautzen") in {(f["kind"], f["name"]) for f in coverage["findings"]}
    assert not any(
        f["name"] == "Sozialsprechstunde im Wahlkreisbüro Zwickau" and f["kind"] == "ohne_rdg_aufsicht"
        for f in coverage["findings"]
    )


def test_journey_2_joint_action(system: System) -> None:
    groups = ids(system, "gruppen")
    planned = system.cli(
        "aktionen",
        "planen",
        "--gruppe",
        groups["Vogtland"],
        "--art",
        "zahltag",
        "--titel",
        "Zahltag-Aktion",
        "--jobcenter",
        "Jobcenter Plauen",
        "--beginn",
        "2020-12-01 08:30",
        "--ende",
        "2020-12-01 11:00",
        "--verantwortlich",
        "Kathrin",
    )
    assert "nicht angegriffen fühlen" in planned["guideline"]
    action = planned["action"]["action_id"]  # held before the test clock's day (`up` runs on it): it can be completed
    system.cli("aktionen", "abschliessen", action, "--teilnehmende", "3", expect=1)  # not before it is confirmed
    system.cli("aktionen", "einladen", action, groups["Erzgebirge"], groups["Chemnitz"])
    for group in ("Erzgebirge", "Chemnitz"):
        system.cli("aktionen", "zusagen", action, groups[group])
    assert system.cli("aktionen", "bestaetigen", action)["status"] == "bestätigt"
    for coordinator in ("wolfgang@example.org", "susann@example.org"):  # the invited groups' lists (their coordinators)
        (mail,) = system.mails(coordinator, "Einladung: Zahltag-Aktion")
        (ics,) = list(mail.iter_attachments())
        assert "DTSTART;TZID=Europe/Berlin:20201201T083000" in ics.get_content()
    feed = system.http.get(f"/kalender/{groups['Erzgebirge']}.ics")
    assert "SUMMARY:Zahltag-Aktion vor dem Jobcenter: Zahltag-Aktion" in feed.text
    done = system.cli("aktionen", "abschliessen", action, "--teilnehmende", "14", "--notizen", "Gute Gespräche")
    assert done["status"] == "durchgeführt" and done["report"]["participants"] == 14


def test_journey_3_moderate_a_list(system: System) -> None:
    kathrin = system.cli(
        "tokens",
        "anlegen",
        "--name",
        "Kathrin",
        "--rolle",
        "moderator",
        "--bereich",
        LAG,
        "--adresse",
        "kathrin@example.org",
    )["token"]
    form = system.http.get(f"/abonnieren/{LAG}")
    answer = system.press(form, f"/abonnieren/{LAG}", {"adresse": "anna@example.org", "name": "Anna"})
    assert "Falls die Adresse eingetragen werden kann" in answer.text
    (confirmation,) = system.mails("anna@example.org", "Bitte bestätigen")
    assert "Moderation entscheidet" in system.follow(confirmation, "bestaetigen")
    (seen,) = system.cli("verteiler", "anfragen", LAG)["requests"]  # the Landesbüro's admin token sees every list
    assert seen["address"] == "anna@example.org"
    (request,) = system.cli("verteiler", "anfragen", LAG, token=kathrin)["requests"]
    system.cli("verteiler", "annehmen", LAG, request["request_id"], token=kathrin)
    (welcome,) = system.mails("anna@example.org", "Willkommen")
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    system.cli("verteiler", "adresse", LAG, "anna@example.org", "anna@example.net", token=kathrin)
    (change,) = system.mails("anna@example.net", "neue Adresse")
    assert "anna@example.net" in system.follow(change, "adresse-bestaetigen")
    system.cli("verteiler", "hinzufuegen", LAG, "bernd@example.org", "--name", "Bernd", token=kathrin)
    assert (
        system.cli("verteiler", "rolle", LAG, "bernd@example.org", "moderation", token=kathrin)["role"] == "moderation"
    )
    system.cli("verteiler", "beitrag", LAG, "--betreff", "Treffen", "--text", "Bis Montag", token=kathrin)
    (post,) = system.mails("anna@example.net", "Treffen")
    url = post["List-Unsubscribe"].split(",")[0].strip("<> ")
    one_click = system.http.post(
        url, content=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert one_click.status_code == 200
    members = {m["address"]: m["status"] for m in system.cli("verteiler", "mitglieder", LAG, token=kathrin)["members"]}
    assert members["anna@example.net"] == "abgemeldet" and members["bernd@example.org"] == "aktiv"

    def mailing_kinds() -> set[str]:
        held = system.cli("personen", "auskunft", "anna@example.net")
        assert held["vollstaendig"], held["hinweise"]
        (mailing,) = [d for d in held["dienste"] if d["dienst"] == "Verteilerdienst"]
        return {e["art"] for e in mailing["eintraege"]}

    assert {"Eintrag in einem Verteiler", "Einwilligung"} <= mailing_kinds()
    erased = system.cli("personen", "loeschen", "anna@example.net", "--ja")
    assert erased["memberships"] == 1
    assert not {"Eintrag in einem Verteiler", "Einwilligung", "Anfrage an einen Verteiler"} & mailing_kinds()


def test_journey_4_inform_the_board(system: System) -> None:
    report = system.cli("fortschritt")
    assert {"actions_planned", "items_overdue"} <= set(report["overall"]) and report["groups"]
    system.mails("landesbuero@example.org", "Fortschrittsbericht")
    system.mails("landesbuero@example.org", "Aktion bestätigt: Zahltag-Aktion")  # journey 2's key event, at once


def test_journey_5_work_plan(system: System) -> None:
    seed = brief_file(SEED)
    imported = system.cli("arbeitsplan", "import", str(seed))
    assert (imported["year"], len(imported["items"])) == (2017, 21)
    assert system.cli("arbeitsplan", "import", str(seed))["unchanged"] == 21
    compact = system.var / "arbeitsplan-ohne-leerzeilen.txt"  # V and T right under their paragraph
    compact.write_text("\n".join(line for line in seed.read_text().splitlines() if line.strip()), encoding="utf-8")
    assert system.cli("arbeitsplan", "import", str(compact))["unchanged"] == 21
    nothing = system.var / "arbeitsplan-ohne-v.txt"
    nothing.write_text("Arbeitsplan 2027\n\nEin Absatz ohne V.\n", encoding="utf-8")
    system.cli("arbeitsplan", "import", str(nothing), expect=1)  # refused, with the German reason on stderr
    items = system.cli("arbeitsplan", "liste", "--offen")["items"]
    overdue = [i for i in items if i["overdue"]]
    assert len(overdue) == 7
    system.cli("arbeitsplan", "erledigt", overdue[0]["item_id"])
    assert len([i for i in system.cli("arbeitsplan", "liste", "--offen")["items"] if i["overdue"]]) == 6
    # Overdue items reach the responsible people, or the work-plan list's moderation if nobody matches by name.
    system.mails("kathrin@example.org", "Überfällig")


def test_journey_6_stay_in_sync(system: System) -> None:
    group = system.cli("gruppen", "gruenden", "Zwickau", "--land", "SN", "--koordination", "Petra <petra@example.org>")
    started = time.monotonic()
    while "rg-zwickau" not in {lst["list_id"] for lst in system.cli("verteiler", "liste")["lists"]}:
        assert time.monotonic() - started < 10
        time.sleep(0.2)
    system.mails("petra@example.org", "Willkommen im Verteiler „Regionalgruppe Zwickau“")  # the coordinator moderates
    system.mails("landesbuero@example.org", "Neue Regionalgruppe: Zwickau")
    idea = system.cli(
        "aktionen", "planen", "--gruppe", group["group_id"], "--art", "treffen", "--titel", "Erstes Treffen", "--idee"
    )
    assert idea["action"]["organiser_group_name"] == "Zwickau"
    system.cli("gruppen", "umbenennen", group["group_id"], "Zwickau-Land")
    started = time.monotonic()
    while "Regionalgruppe Zwickau-Land" not in {lst["name"] for lst in system.cli("verteiler", "liste")["lists"]}:
        assert time.monotonic() - started < 10
        time.sleep(0.2)
    assert (
        system.cli("aktionen", "liste", "--gruppe", group["group_id"])["actions"][0]["organiser_group_name"]
        == "Zwickau-Land"
    )


def _calendar(system: System, path: str, marker: str) -> httpx.Response:
    """The feed once the group (and its latest name) has reached action planning."""
    deadline = time.monotonic() + 10
    while (feed := system.http.get(path)).status_code != 200 or marker not in feed.text:
        assert time.monotonic() < deadline, f"{path}: {feed.status_code} {feed.text[:300]}"
        time.sleep(0.2)
    return feed


def test_groups_are_named_by_their_slugs_in_urls_and_cli_arguments(system: System) -> None:
    listed = {g["slug"]: g for g in system.cli("gruppen", "liste")["groups"]}
    assert {"vogtland", "erzgebirge", "dresden", "leipzig", "chemnitz"} <= listed.keys()  # the demo groups
    planned = system.cli(
        "aktionen",
        "planen",
        "--gruppe",
        "vogtland",
        "--art",
        "treffen",
        "--titel",
        "Offenes Treffen Plauen",
        "--beginn",
        "2026-12-10 18:00",
        "--ende",
        "2026-12-10 20:00",
        "--verantwortlich",
        "Kathrin",
    )
    action = planned["action"]["action_id"]
    assert planned["action"]["organiser_group_id"] == listed["vogtland"]["group_id"]
    system.cli("aktionen", "einladen", action, "erzgebirge")
    system.cli("aktionen", "zusagen", action, "Erzgebirge")  # by its name, too
    for path in (
        "/kalender/vogtland.ics",
        f"/kalender/{listed['vogtland']['group_id']}.ics",
        "/kalender/erzgebirge.ics",
    ):
        feed = system.http.get(path)
        assert feed.status_code == 200 and "Offenes Treffen Plauen" in feed.text, path
    assert [a["action_id"] for a in system.cli("aktionen", "liste", "--gruppe", "vogtland")["actions"]].count(
        action
    ) == 1

    formed = system.cli("gruppen", "gruenden", "Regionalgruppe Görlitz", "--land", "SN")
    assert formed["slug"] == "goerlitz"
    _calendar(system, "/kalender/goerlitz.ics", "Görlitz")
    renamed = system.cli("gruppen", "umbenennen", "goerlitz", "Görlitz-Zittau")
    assert (renamed["slug"], renamed["aliases"]) == ("goerlitz-zittau", ["goerlitz"])
    _calendar(system, "/kalender/goerlitz.ics", "Görlitz-Zittau")  # the link mailed before the rename still works
    _calendar(system, "/kalender/goerlitz-zittau.ics", "Görlitz-Zittau")

    zittau = system.cli("gruppen", "gruenden", "Zittau", "--land", "SN")
    merged = system.cli("gruppen", "zusammenlegen", "goerlitz-zittau", "zittau")
    assert merged["group_id"] == formed["group_id"]
    assert (
        system.http.get("/kalender/zittau.ics").text == system.http.get("/kalender/goerlitz-zittau.ics").text
    )  # → the survivor
    assert zittau["slug"] not in {g["slug"] for g in system.cli("gruppen", "liste")["groups"] if g["status"] == "aktiv"}

    unknown = system.http.get("/kalender/gibt-es-nicht.ics")
    assert unknown.status_code == 404 and "gibt-es-nicht" in unknown.json()["fehler"]
    refused = subprocess.run(
        [str(Path(sys.executable).parent / "beratungsnetz"), "gruppen", "umbenennen", "gibt-es-nicht", "X"],
        capture_output=True,
        text=True,
        env=dict(os.environ, BERATUNGSNETZ_VAR_DIR=str(system.var)),
        timeout=60,
    )
    assert refused.returncode != 0 and "Regionalgruppe „gibt-es-nicht“ nicht gefunden" in refused.stderr
    coordinator = system.cli(
        "tokens",
        "anlegen",
        "--name",
        "Kathrin",
        "--rolle",
        "coordinator",
        "--bereich",
        "vogtland",
        "--adresse",
        "kathrin@example.org",
    )
    assert coordinator["scope"] == listed["vogtland"]["group_id"]


def read(system: System, *args: str, token: str | None = None, expect: int = 0) -> str:
    """What a person reads: the CLI without --json, wide enough that rich does not wrap."""
    env = dict(os.environ, BERATUNGSNETZ_VAR_DIR=str(system.var), COLUMNS="200")
    if token:
        env["BERATUNGSNETZ_TOKEN"] = token
    done = subprocess.run(
        [str(Path(sys.executable).parent / "beratungsnetz"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == expect, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_people_name_things_by_name_and_read_german(system: System) -> None:
    office = system.cli(
        "stellen",
        "eintragen",
        "--name",
        "Sozialberatung Werdau",
        "--traegerart",
        "abgeordnetenbuero",
        "--traeger",
        "Wahlkreisbüro",
        "--strasse",
        "Markt 2",
        "--plz",
        "08412",
        "--ort",
        "Werdau",
        "--kreisverband",
        "Zwickau",
        "--berater",
        "Bea Beispiel <bea@example.org>",
    )
    assert office["district_id"] == ids(system, "kv")["Zwickau"]  # the district by its name, not its UUID
    shown = read(system, "stellen", "zeigen", "Sozialberatung Werdau")
    assert "Trägerart: Abgeordnetenbüro" in shown and "Kreisverband: Zwickau" in shown, shown
    assert "operator_kind" not in shown and "[{" not in shown
    system.cli(
        "stellen",
        "berater",
        "schulung",
        "Sozialberatung Werdau",
        "Bea Beispiel",
        "--thema",
        "Seminartag",
        "--am",
        "14.11.2026",
    )
    system.cli("stellen", "anleitung", "Sozialberatung Werdau", "--volljurist", "RA M. Muster", "--seit", "1.10.2026")
    shown = read(system, "stellen", "zeigen", "Sozialberatung Werdau")
    assert "Seminartag (Sa., 14. Nov. 2026)" in shown and "Volljurist:in: RA M. Muster" in shown, shown

    planned = system.cli(
        "aktionen",
        "planen",
        "--gruppe",
        "Vogtland",
        "--art",
        "treffen",
        "--titel",
        "Treffen in Werdau",
        "--beginn",
        "1.12.2026 9:00",
        "--ende",
        "1.12.2026 11:00",
        "--verantwortlich",
        "Kathrin",
    )["action"]
    short = planned["action_id"][:8]
    listed = read(system, "aktionen", "liste", "--gruppe", "vogtland")
    assert "Di., 1. Dez. 2026, 9:00 Uhr" in listed and short in listed and planned["action_id"] not in listed, listed
    moved = system.cli("aktionen", "verschieben", short, "--beginn", "8.12.2026 9:00", "--ende", "8.12.2026 11:00")
    assert datetime.fromisoformat(moved["action"]["start"]) == datetime(2026, 12, 8, 8, tzinfo=UTC)  # 9:00 Berlin
    shown = read(system, "aktionen", "zeigen", "Treffen in Werdau")
    assert "Beginn: Di., 8. Dez. 2026, 9:00 Uhr" in shown and "Ausrichtende Gruppe: Vogtland" in shown, shown

    missing = read(system, "stellen", "zeigen", "Gibt es nicht", expect=1)
    assert "Fehler:" in missing and "nicht gefunden" in missing, missing


def test_the_board_reads_the_progress_report(system: System) -> None:
    system.cli("fortschritt")  # the Landesbüro compiles one
    board = system.cli(
        "tokens", "anlegen", "--name", "Vorstand", "--rolle", "board", "--adresse", "vorstand@example.org"
    )["token"]
    assert read(system, "fortschritt", "--erstellen", token=board, expect=2)  # no such option: refused in German
    shown = read(system, "fortschritt", token=board)
    assert "Fortschrittsbericht" in shown and "Aktionen:" in shown, shown
    assert system.cli("fortschritt", "--liste", token=board)["reports"]
    refused = read(system, "tokens", "liste", token=board, expect=4)
    assert "Fehler:" in refused and "Landesbüro" in refused
