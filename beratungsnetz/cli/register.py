"""`beratungsnetz stellen|gruppen|kreisverbaende|abdeckung`: the counselling register."""

from __future__ import annotations

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.formats import LABELS, day, parse_day
from beratungsnetz.cli.output import done, emit, run, state, view
from shared.clock import Clock

stellen = typer.Typer(
    help="Beratungsstellen: importieren, auflisten, zeigen, eintragen, ändern; Berater:innen und RDG-Anleitung.",
    no_args_is_help=True,
)
OFFICE_COLUMNS = [
    ("Kennung", "office_id"),
    ("Name", "name"),
    ("Ort", "city"),
    ("Status", "status"),
    ("Sprechzeiten", "hours_text"),
]
OPERATOR_KINDS = {
    "kreisverband": "Kreisverband",
    "abgeordnetenbuero": "Abgeordnetenbüro",
    "parteibuero": "Parteibüro",
    "partnerorganisation": "Partnerorganisation",
}
OFFICE_HELP = "Name der Beratungsstelle (bei gleichen Namen „Name, Ort“), Kurzkennung aus der Liste oder Kennung"
DISTRICT_HELP = "Name des Kreisverbands (z. B. Zwickau) oder seine Kennung"


def _with_hours_text(offices: list[dict]) -> list[dict]:
    return [o | {"hours_text": [h["text"] for h in o.get("hours", [])]} for o in offices]


@stellen.command("liste")
def list_offices(land: str = typer.Option(None, help="Bundesland, z. B. SN")) -> None:
    """Listet die Beratungsstellen (Kennungen gekürzt; jeder Befehl nimmt sie so an).

    Beispiel: beratungsnetz stellen liste --land SN"""
    data = run(lambda g: g.get("/beratungsstellen", state=land))
    emit(data, OFFICE_COLUMNS, _with_hours_text(data["offices"]))


@stellen.command("zeigen")
def show_office(stelle: str = typer.Argument(..., help=OFFICE_HELP)) -> None:
    """Zeigt eine Beratungsstelle mit allen Angaben, lesbar; mit --json die Daten für Skripte.

    Beispiel: beratungsnetz stellen zeigen "Sozialberatung Zwickau-Nord\""""
    office = run(lambda g: g.get("/beratungsstelle", office_id=names.office(g, stelle)))
    if state.json:
        emit(office)
        return
    districts = run(lambda g: {d["district_id"]: d["name"] for d in g.get("/kreisverbaende")["districts"]})
    counsellors = [
        c | {"trainings": [f"{t['title']} ({day(t['on'])})" for t in c.get("trainings", [])]}
        for c in office.get("counsellors", [])
    ]
    view(
        office
        | {
            "operator_kind": OPERATOR_KINDS.get(office["operator_kind"], office["operator_kind"]),
            "hours": [h["text"] for h in office.get("hours", [])],
            "district_id": districts.get(office.get("district_id"), office.get("district_id")),
            "counsellors": counsellors,
        },
        LABELS,
    )


def _office_fields(
    name: str | None,
    traegerart: str | None,
    traeger: str | None,
    strasse: str | None,
    plz: str | None,
    ort: str | None,
    telefon: str | None,
    email: str | None,
    web: str | None,
    zugang: str | None,
    sprechzeiten: list[str] | None,
    felder: list[str] | None,
    sprachen: list[str] | None,
    kreisverband: str | None,
) -> dict:
    return {
        k: v
        for k, v in {
            "name": name,
            "operator_kind": traegerart,
            "operator_name": traeger,
            "street": strasse,
            "postcode": plz,
            "city": ort,
            "phone": telefon,
            "email": email,
            "web": web,
            "access_notes": zugang,
            "hours": sprechzeiten or None,
            "areas": felder or None,
            "languages": sprachen or None,
            "district_id": kreisverband,
        }.items()
        if v is not None
    }


@stellen.command("eintragen")
def register_office(
    name: str = typer.Option(...),
    traegerart: str = typer.Option(..., help="kreisverband, abgeordnetenbuero, parteibuero, partnerorganisation"),
    traeger: str = typer.Option(...),
    strasse: str = typer.Option(...),
    plz: str = typer.Option(...),
    ort: str = typer.Option(...),
    telefon: str = typer.Option(None),
    email: str = typer.Option(None),
    web: str = typer.Option(None),
    zugang: str = typer.Option(None),
    sprechzeiten: list[str] = typer.Option([], help="z. B. „dienstags 14–17 Uhr“ (mehrfach)"),
    felder: list[str] = typer.Option([], help="Beratungsfelder (mehrfach)"),
    sprachen: list[str] = typer.Option([]),
    kreisverband: str = typer.Option(None, help=DISTRICT_HELP),
    berater: list[str] = typer.Option([], help="„Name“ oder „Name <adresse>“; mit --namen-veroeffentlichen öffentlich"),
    namen_veroeffentlichen: bool = typer.Option(
        False, help="Namen der Berater:innen im Verzeichnis zeigen (Einwilligung liegt vor)"
    ),
    anleitung: str = typer.Option(None, help="Volljurist:in, die nach § 6 RDG anleitet"),
    anleitung_seit: str = typer.Option(None, help="TT.MM.JJJJ"),
    status: str = typer.Option("aktiv"),
) -> None:
    """Trägt eine neue Beratungsstelle ein.

    Beispiel: beratungsnetz stellen eintragen --name "Sozialberatung Plauen" --traegerart kreisverband
    --traeger "DIE LINKE Vogtland" --strasse "Markt 1" --plz 08523 --ort Plauen --kreisverband Vogtland"""
    payload = _office_fields(
        name,
        traegerart,
        traeger,
        strasse,
        plz,
        ort,
        telefon,
        email,
        web,
        zugang,
        sprechzeiten,
        felder,
        sprachen,
        kreisverband,
    )
    payload["status"] = status
    if kreisverband:
        payload["district_id"] = run(lambda g: names.district(g, kreisverband))
    payload["counsellors"] = [_counsellor(b, namen_veroeffentlichen) for b in berater]
    if anleitung:
        since = parse_day(anleitung_seit) if anleitung_seit else Clock().today().isoformat()
        payload["supervision"] = {"lawyer_name": anleitung, "qualification_confirmed": True, "since": since}
    office = run(lambda g: g.call("/beratungsstellen/eintragen", payload))
    emit(office) if state.json else done(f"Eingetragen: {office['name']} (Kennung {office['office_id'][:8]})")


def _counsellor(text: str, publish: bool) -> dict:
    name, _, rest = text.partition("<")
    return {"name": name.strip(), "email": rest.rstrip(">").strip() or None, "publish_name": publish}


@stellen.command("aendern")
def update_office(
    stelle: str = typer.Argument(..., help=OFFICE_HELP),
    name: str = typer.Option(None),
    telefon: str = typer.Option(None),
    email: str = typer.Option(None),
    strasse: str = typer.Option(None),
    plz: str = typer.Option(None),
    ort: str = typer.Option(None),
    zugang: str = typer.Option(None),
    sprechzeiten: list[str] = typer.Option([], help="ersetzt alle Sprechzeiten"),
    felder: list[str] = typer.Option([]),
) -> None:
    """Ändert einzelne Angaben einer Beratungsstelle; alles Übrige bleibt.

    Beispiel: beratungsnetz stellen aendern "Sozialberatung Zwickau-Nord" --telefon "0375 5550199\""""
    kennung = run(lambda g: names.office(g, stelle))
    current = run(lambda g: g.get("/beratungsstelle", office_id=kennung))
    base = {
        k: current[k]
        for k in (
            "name",
            "operator_kind",
            "operator_name",
            "street",
            "postcode",
            "city",
            "access_notes",
            "phone",
            "email",
            "web",
            "areas",
            "languages",
            "district_id",
        )
    }
    base["hours"] = [h["text"] for h in current["hours"]]
    changes = _office_fields(
        name, None, None, strasse, plz, ort, telefon, email, None, zugang, sprechzeiten, felder, None, None
    )
    office = run(lambda g: g.call("/beratungsstellen/aendern", base | changes | {"office_id": kennung}))
    emit(office) if state.json else done(f"Geändert: {office['name']}")


@stellen.command("status")
def office_status(
    stelle: str = typer.Argument(..., help=OFFICE_HELP),
    neu: str = typer.Argument(..., help="pausieren, reaktivieren oder schliessen"),
) -> None:
    """Pausiert, reaktiviert oder schließt eine Beratungsstelle.

    Beispiel: beratungsnetz stellen status "Sozialberatung Zwickau-Nord" pausieren

    Beispiel: beratungsnetz stellen status "Sozialberatung Zwickau-Nord" reaktivieren

    Beispiel: beratungsnetz stellen status "Sozialberatung Zwickau-Nord" schliessen"""
    if neu not in ("pausieren", "reaktivieren", "schliessen"):
        raise typer.BadParameter("pausieren, reaktivieren oder schliessen")
    office = run(lambda g: g.call(f"/beratungsstellen/{neu}", {"office_id": names.office(g, stelle)}))
    emit(office) if state.json else done(f"{office['name']}: {office['status']}")
