"""`beratungsnetz aktionen|arbeitsplan|fortschritt`: joint actions, the work plan, the progress report."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import typer

from beratungsnetz.cli.output import console, done, emit, run, state

aktionen = typer.Typer(
    help="Gemeinsame Aktionen: planen, einladen, zusagen, bestätigen, abschließen.", no_args_is_help=True
)
arbeitsplan = typer.Typer(help="Arbeitsplan (V/T): importieren, auflisten, Vermerke, erledigt.", no_args_is_help=True)
ACTION_COLUMNS = [
    ("Kennung", "action_id"),
    ("Titel", "title"),
    ("Beginn", "start"),
    ("Status", "status"),
    ("Gruppe", "organiser_group_name"),
]


@aktionen.command("planen")
def plan(
    gruppe: str = typer.Option(..., help="Organisierende Regionalgruppe: Kurzname (z. B. vogtland), Name oder Kennung"),
    art: str = typer.Option(..., help="zahltag, info, protestbrief, fruehstueck, treffen, schulung, sonstiges"),
    titel: str = typer.Option(...),
    beginn: str = typer.Option(None, help="JJJJ-MM-TT HH:MM (Europe/Berlin)"),
    ende: str = typer.Option(None),
    ort: str = typer.Option(""),
    jobcenter: str = typer.Option(""),
    verantwortlich: list[str] = typer.Option([]),
    idee: bool = typer.Option(False, help="Nur als Idee, ohne Termin"),
) -> None:
    """Plant eine Aktion; vor einem Jobcenter mit der Leitlinie der LAG."""
    payload = {
        "organiser_group_id": gruppe,
        "kind": art,
        "title": titel,
        "place": ort,
        "job_centre": jobcenter,
        "start": beginn.replace(" ", "T") if beginn else None,
        "end": ende.replace(" ", "T") if ende else None,
        "responsible": verantwortlich,
        "as_idea": idee,
    }
    result = run(lambda g: g.call("/aktionen/planen", payload))
    if state.json:
        emit(result)
        return
    done(f"Geplant: {result['action']['title']} (Kennung {result['action']['action_id']})")
    for warning in result["warnings"]:
        console.print(f"[yellow]Warnung:[/yellow] {warning}")
    if result["guideline"]:
        console.print(f"[blue]{result['guideline']}[/blue]")


@aktionen.command("einladen")
def invite(
    aktion: str,
    gruppen: list[str] = typer.Argument(..., help="Eingeladene Gruppen: Kurznamen (z. B. erzgebirge) oder Kennungen"),
) -> None:
    """Lädt Regionalgruppen ein (ihre Verteiler bekommen eine Mail mit .ics)."""
    result = run(lambda g: g.call("/aktionen/einladen", {"action_id": aktion, "group_ids": gruppen}))
    emit(result) if state.json else done(
        f"Eingeladen: {', '.join(i['group_name'] or i['group_id'] for i in result['invitations'])}"
    )


def _respond(aktion: str, gruppe: str, accept: bool) -> None:
    result = run(lambda g: g.call("/aktionen/antworten", {"action_id": aktion, "group_id": gruppe, "accept": accept}))
    emit(result) if state.json else done("Zugesagt." if accept else "Abgesagt.")


@aktionen.command("zusagen")
def accept(aktion: str, gruppe: str = typer.Argument(..., help="Kurzname oder Kennung der Gruppe")) -> None:
    """Sagt für eine eingeladene Gruppe zu."""
    _respond(aktion, gruppe, True)


@aktionen.command("ablehnen")
def decline(aktion: str, gruppe: str = typer.Argument(..., help="Kurzname oder Kennung der Gruppe")) -> None:
    """Sagt für eine eingeladene Gruppe ab."""
    _respond(aktion, gruppe, False)


@aktionen.command("bestaetigen")
def confirm(aktion: str) -> None:
    """Bestätigt eine Aktion (alle Eingeladenen haben geantwortet, V ist eingetragen)."""
    result = run(lambda g: g.call("/aktionen/bestaetigen", {"action_id": aktion}))
    emit(result) if state.json else done(f"Bestätigt: {result['title']}")


@aktionen.command("abschliessen")
def complete(
    aktion: str, teilnehmende: int = typer.Option(...), notizen: str = typer.Option(""), presse: str = typer.Option("")
) -> None:
    """Vermerkt eine Aktion als durchgeführt, mit kurzem Bericht."""
    result = run(
        lambda g: g.call(
            "/aktionen/abschliessen",
            {"action_id": aktion, "participants": teilnehmende, "notes": notizen, "press": presse},
        )
    )
    emit(result) if state.json else done(f"Durchgeführt: {result['title']}")


@aktionen.command("absagen")
def cancel(aktion: str, grund: str = typer.Option("")) -> None:
    """Sagt eine Aktion ab."""
    result = run(lambda g: g.call("/aktionen/absagen", {"action_id": aktion, "reason": grund}))
    emit(result) if state.json else done(f"Abgesagt: {result['title']}")


@aktionen.command("liste")
def list_actions(
    gruppe: str = typer.Option(None, help="Kurzname oder Kennung der Gruppe"), status: str = typer.Option(None)
) -> None:
    """Listet Aktionen, auch die einer Gruppe."""
    data = run(lambda g: g.get("/aktionen", group_id=gruppe, status=status))
    emit(data, ACTION_COLUMNS, data["actions"])


@arbeitsplan.command("import")
def import_plan(datei: Path = typer.Argument(..., exists=True, readable=True), jahr: int = typer.Option(None)) -> None:
    """Importiert einen Arbeitsplan im V:/T:-Stil; ein zweiter Import legt nichts doppelt an."""
    with console.status("Importiere Arbeitsplan …", spinner="dots") if not state.json else nullcontext():
        result = run(
            lambda g: g.call("/arbeitsplan/import", {"text": datei.read_text(encoding="utf-8-sig"), "year": jahr})
        )
    if state.json:
        emit(result)
        return
    done(f"{result['plan']}: {len(result['items'])} Punkte neu, {result['unchanged']} schon vorhanden")
    if result["items"]:
        emit(result, ITEM_COLUMNS, [item_row(i) for i in result["items"]])
    for paragraph in result["not_imported"]:  # in line order, as the service reports them
        console.print(f"[yellow]Ohne V, nicht übernommen:[/yellow] {paragraph[:100]}")


ITEM_COLUMNS = [
    ("Kennung", "item_id"),
    ("Punkt", "short"),
    ("V", "v"),
    ("T", "t"),
    ("Fällig", "flag"),
    ("Status", "status"),
]


def responsible_text(responsible: list[dict]) -> str:
    """ "Beiträge – alle, Einstellung – Kathrin": roles and places kept, not just the names."""
    shown = [f"{r['role']} – {r['name']}" if r.get("role") else r["name"] for r in responsible]
    return ", ".join(f"{s} ({r['scope']})" if r.get("scope") else s for s, r in zip(shown, responsible, strict=True))


def timing_text(timing: dict) -> str:
    if timing["kind"] == "nicht_erkannt":
        return f"{timing['text']} (nicht erkannt)"
    return timing["text"] or "–"


def item_row(item: dict) -> dict:
    flag = "überfällig" if item.get("overdue") else (item.get("due") or "")
    return item | {
        "v": responsible_text(item["responsible"]),
        "t": timing_text(item["timing"]),
        "short": item["text"][:70],
        "flag": flag,
    }


@arbeitsplan.command("liste")
def list_items(offen: bool = typer.Option(False, "--offen", help="Nur offene Punkte")) -> None:
    """Listet den Arbeitsplan mit Fälligkeit; ein nicht erkanntes T ist als solches markiert."""
    data = run(lambda g: g.get("/arbeitsplan", only_open="true" if offen else None))
    emit(data, ITEM_COLUMNS, [item_row(i) for i in data["items"]])


@arbeitsplan.command("erledigt")
def item_done(kennung: str) -> None:
    """Vermerkt einen Punkt als erledigt (wiederkehrende: für den laufenden Zeitraum)."""
    result = run(lambda g: g.call("/arbeitsplan/erledigt", {"item_id": kennung}))
    emit(result) if state.json else done(f"Erledigt: {result['text'][:60]}")


@arbeitsplan.command("vermerk")
def note(kennung: str, text: str, autor: str = typer.Option("")) -> None:
    """Fügt einem Punkt einen Fortschrittsvermerk hinzu."""
    result = run(lambda g: g.call("/arbeitsplan/vermerk", {"item_id": kennung, "text": text, "author": autor}))
    emit(result) if state.json else done("Vermerk gespeichert.")


def progress() -> None:
    """Erstellt jetzt einen Fortschrittsbericht (er geht auch an den Landesvorstand)."""
    report = run(lambda g: g.call("/fortschritt/erstellen", {}))
    if state.json:
        emit(report)
        return
    o = report["overall"]
    console.print(
        f"Aktionen: {o['actions_planned']} geplant, {o['actions_done']} durchgeführt, {o['invitations_open']} Einladungen offen"
    )
    console.print(
        f"Arbeitsplan: {o['items_due']} bald fällig, {o['items_overdue']} überfällig, {o['items_done']} erledigt"
    )
    emit(
        report,
        [
            ("Gruppe", "group_name"),
            ("geplant", "actions_planned"),
            ("durchgeführt", "actions_done"),
            ("Einladungen offen", "invitations_open"),
            ("überfällig", "items_overdue"),
        ],
        report["groups"],
    )
