"""`beratungsnetz stellen|gruppen|kreisverbaende|abdeckung`: the counselling register."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import typer
from rich.progress import Progress

from beratungsnetz.cli.output import console, done, emit, errors, run, state
from shared.clock import Clock

stellen = typer.Typer(help="Beratungsstellen: importieren, auflisten, zeigen, eintragen, ändern.", no_args_is_help=True)
gruppen = typer.Typer(help="Regionalgruppen: auflisten, gründen, umbenennen.", no_args_is_help=True)
kreisverbaende = typer.Typer(help="Kreisverbände und Bezirke.", no_args_is_help=True)
OFFICE_COLUMNS = [
    ("Kennung", "office_id"),
    ("Name", "name"),
    ("Ort", "city"),
    ("Status", "status"),
    ("Sprechzeiten", "hours_text"),
]
CHUNK = 200
GROUP_HELP = "Kurzname (z. B. vogtland, auch ein früherer), Name oder Kennung der Regionalgruppe"


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """The header, the records with the line each starts on, and the delimiter."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, records, line = next(reader, []), [], 2
    for record in reader:
        records.append((line, record))
        line = reader.line_num + 1
    return header, records, delimiter


def _chunk_text(header: list[str], records: list[tuple[int, list[str]]], delimiter: str) -> tuple[str, dict[int, int]]:
    """CSV text for a chunk, and for each line it starts on in that text, the line in the original file."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    lines, here = {}, 2
    for original, record in records:
        lines[here] = original
        before = out.tell()
        writer.writerow(record)
        here += out.getvalue()[before:].count("\n")
    return out.getvalue(), lines


@stellen.command("import")
def import_offices(
    datei: Path = typer.Argument(..., exists=True, readable=True, help="CSV-Datei (Komma oder Semikolon, UTF-8)"),
    probelauf: bool = typer.Option(False, "--probelauf", help="Nur prüfen, nichts speichern"),
) -> None:
    """Importiert eine Liste von Beratungsstellen; fehlerhafte Zeilen werden mit Grund genannt."""
    header, records, delimiter = _rows(datei.read_text(encoding="utf-8-sig"))
    total = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": [], "warnings": [], "dry_run": probelauf}
    with Progress(console=errors, disable=state.json) as progress:
        task = progress.add_task("Importiere …", total=len(records))
        for start in range(0, len(records), CHUNK):
            text, lines = _chunk_text(header, records[start : start + CHUNK], delimiter)
            report = run(lambda g, text=text: g.call("/beratungsstellen/import", {"csv": text, "dry_run": probelauf}))
            for key in ("rows", "created", "updated", "unchanged"):
                total[key] += report[key]
            total["errors"] += [
                {"line": lines.get(e["line"], e["line"]), "reason": e["reason"]} for e in report["errors"]
            ]
            total["warnings"] = sorted(set(total["warnings"]) | set(report["warnings"]))
            progress.advance(task, len(records[start : start + CHUNK]))
    if state.json:
        emit(total)
    else:
        verb = "würden" if probelauf else "wurden"
        done(
            f"{total['rows']} Zeilen: {total['created']} neu, {total['updated']} geändert, {total['unchanged']} unverändert "
            f"{'(Probelauf)' if probelauf else ''}".strip()
        )
        for warning in total["warnings"]:
            console.print(f"[yellow]Hinweis:[/yellow] {warning}")
        if total["errors"]:
            emit(
                None,
                [("Zeile", "line"), ("Grund", "reason")],
                total["errors"],
                title=f"{len(total['errors'])} Zeilen {verb} nicht übernommen",
            )
    if total["errors"]:
        raise typer.Exit(1)


def _with_hours_text(offices: list[dict]) -> list[dict]:
    return [o | {"hours_text": [h["text"] for h in o.get("hours", [])]} for o in offices]


@stellen.command("liste")
def list_offices(land: str = typer.Option(None, help="Bundesland, z. B. SN")) -> None:
    """Listet die Beratungsstellen."""
    data = run(lambda g: g.get("/beratungsstellen", state=land))
    emit(data, OFFICE_COLUMNS, _with_hours_text(data["offices"]))


@stellen.command("zeigen")
def show_office(kennung: str) -> None:
    """Zeigt eine Beratungsstelle mit allen Angaben."""
    emit(run(lambda g: g.get("/beratungsstelle", office_id=kennung)))


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
    kreisverband: str = typer.Option(None, help="Kennung des Kreisverbands"),
    berater: list[str] = typer.Option([], help="„Name“ oder „Name <adresse>“; mit --namen-veroeffentlichen öffentlich"),
    namen_veroeffentlichen: bool = typer.Option(
        False, help="Namen der Berater:innen im Verzeichnis zeigen (Einwilligung liegt vor)"
    ),
    anleitung: str = typer.Option(None, help="Volljurist:in, die nach § 6 RDG anleitet"),
    anleitung_seit: str = typer.Option(None, help="TT.MM.JJJJ"),
    status: str = typer.Option("aktiv"),
) -> None:
    """Trägt eine neue Beratungsstelle ein."""
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
    payload["counsellors"] = [_counsellor(b, namen_veroeffentlichen) for b in berater]
    if anleitung:
        since = date(*reversed([int(p) for p in anleitung_seit.split(".")])) if anleitung_seit else Clock().today()
        payload["supervision"] = {"lawyer_name": anleitung, "qualification_confirmed": True, "since": since.isoformat()}
    office = run(lambda g: g.call("/beratungsstellen/eintragen", payload))
    emit(office) if state.json else done(f"Eingetragen: {office['name']} (Kennung {office['office_id']})")


def _counsellor(text: str, publish: bool) -> dict:
    name, _, rest = text.partition("<")
    return {"name": name.strip(), "email": rest.rstrip(">").strip() or None, "publish_name": publish}


@stellen.command("aendern")
def update_office(
    kennung: str,
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
    """Ändert einzelne Angaben einer Beratungsstelle; alles Übrige bleibt."""
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
def office_status(kennung: str, neu: str = typer.Argument(..., help="pausieren, reaktivieren oder schliessen")) -> None:
    """Pausiert, reaktiviert oder schließt eine Beratungsstelle."""
    if neu not in ("pausieren", "reaktivieren", "schliessen"):
        raise typer.BadParameter("pausieren, reaktivieren oder schliessen")
    office = run(lambda g: g.call(f"/beratungsstellen/{neu}", {"office_id": kennung}))
    emit(office) if state.json else done(f"{office['name']}: {office['status']}")


@gruppen.command("liste")
def list_groups(land: str = typer.Option(None)) -> None:
    """Listet die Regionalgruppen."""
    data = run(lambda g: g.get("/gruppen", state=land))
    emit(
        data,
        [
            ("Kurzname", "slug"),
            ("Name", "name"),
            ("Land", "state"),
            ("Status", "status"),
            ("Koordination", "coordinator.name"),
        ],
        data["groups"],
    )


@gruppen.command("gruenden")
def form_group(
    name: str,
    land: str = typer.Option(..., help="z. B. SN"),
    koordination: str = typer.Option(None, help="„Name <adresse>“"),
    kreisverband: list[str] = typer.Option([], help="Kennungen (mehrfach)"),
) -> None:
    """Gründet eine Regionalgruppe (ihr Verteiler entsteht von selbst)."""
    payload = {"name": name, "state": land, "district_ids": kreisverband}
    if koordination:
        who, _, mail = koordination.partition("<")
        payload["coordinator"] = {"name": who.strip(), "email": mail.rstrip(">").strip() or None}
    group = run(lambda g: g.call("/gruppen/gruenden", payload))
    emit(group) if state.json else done(
        f"Gegründet: {group['name']} (Kurzname {group['slug']}, z. B. /kalender/{group['slug']}.ics)"
    )


@gruppen.command("umbenennen")
def rename_group(gruppe: str = typer.Argument(..., help=GROUP_HELP), name: str = typer.Argument(...)) -> None:
    """Benennt eine Regionalgruppe um; ihr bisheriger Kurzname bleibt in Links gültig."""
    group = run(lambda g: g.call("/gruppen/umbenennen", {"group_id": gruppe, "name": name}))
    kept = f"; weiterhin gültig: {', '.join(group['aliases'])}" if group["aliases"] else ""
    emit(group) if state.json else done(f"Umbenannt in {group['name']} (Kurzname {group['slug']}{kept})")


@gruppen.command("zusammenlegen")
def merge_groups(
    ziel: str = typer.Argument(..., help="Die Gruppe, die bleibt: " + GROUP_HELP),
    gruppen_: list[str] = typer.Argument(..., metavar="GRUPPEN", help="Die Gruppen, die in ihr aufgehen"),
) -> None:
    """Legt Regionalgruppen zusammen; die Kurznamen der aufgegangenen führen danach zur bleibenden Gruppe."""
    group = run(lambda g: g.call("/gruppen/zusammenlegen", {"into_group_id": ziel, "group_ids": gruppen_}))
    emit(group) if state.json else done(f"Zusammengelegt in {group['name']} (Kurzname {group['slug']})")


@kreisverbaende.command("liste")
def list_districts(land: str = typer.Option(None)) -> None:
    """Listet Kreisverbände und Bezirke."""
    data = run(lambda g: g.get("/kreisverbaende", state=land))
    emit(data, [("Kennung", "district_id"), ("Name", "name"), ("Land", "state"), ("Art", "kind")], data["districts"])


@kreisverbaende.command("anlegen")
def add_district(name: str, land: str = typer.Option(...), art: str = typer.Option("kreisverband")) -> None:
    """Legt einen Kreisverband oder Bezirk an."""
    district = run(lambda g: g.call("/kreisverbaende/anlegen", {"name": name, "state": land, "kind": art}))
    emit(district) if state.json else done(f"Angelegt: {district['name']} (Kennung {district['district_id']})")


def coverage(land: str = typer.Option(None, help="Bundesland, z. B. SN")) -> None:
    """Zeigt den Abdeckungsbericht: Lücken im Netz der Beratungsstellen."""
    report = run(lambda g: g.get("/abdeckung", state=land))
    emit(report) if state.json else console.print(report["text"])
