"""`beratungsnetz aktionen|arbeitsplan|fortschritt`: joint actions, the work plan, the progress report."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.client import DENIED, CliError
from beratungsnetz.cli.formats import LABELS, count, day, moment, parse_moment
from beratungsnetz.cli.output import console, done, emit, run, state, view

aktionen = typer.Typer(
    help="Gemeinsame Aktionen: planen, zeigen, verschieben, einladen, zusagen, bestätigen, abschließen, auswerten.",
    no_args_is_help=True,
)
arbeitsplan = typer.Typer(
    help="Arbeitsplan (V/T): importieren, Punkte aufnehmen, auflisten, Status, Vermerke, erledigt.",
    no_args_is_help=True,
)
ACTION_HELP = "Titel der Aktion, ihre Kurzkennung aus `aktionen liste` oder ihre Kennung"
ITEM_HELP = "Kurzkennung des Punkts aus `arbeitsplan liste`, sein Text oder seine Kennung"
WHEN_HELP = "TT.MM.JJJJ HH:MM oder JJJJ-MM-TT HH:MM (Europe/Berlin)"
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
    beginn: str = typer.Option(None, help=WHEN_HELP),
    ende: str = typer.Option(None, help=WHEN_HELP),
    ort: str = typer.Option("", help="Wo die Aktion stattfindet"),
    jobcenter: str = typer.Option("", help="Vor welchem Jobcenter (bei Zahltag-Aktionen)"),
    verantwortlich: list[str] = typer.Option([], help="Wer verantwortlich ist (mehrfach)"),
    idee: bool = typer.Option(False, help="Nur als Idee, ohne Termin"),
) -> None:
    """Plant eine Aktion; vor einem Jobcenter mit der Leitlinie der LAG.

    Beispiel: beratungsnetz aktionen planen --gruppe vogtland --art zahltag --titel "Zahltag-Aktion"
    --jobcenter "Jobcenter Plauen" --beginn "1.12.2026 8:30" --ende "1.12.2026 11:00" --verantwortlich Kathrin"""
    payload = {
        "organiser_group_id": gruppe,
        "kind": art,
        "title": titel,
        "place": ort,
        "job_centre": jobcenter,
        "start": parse_moment(beginn),
        "end": parse_moment(ende),
        "responsible": verantwortlich,
        "as_idea": idee,
    }
    result = run(lambda g: g.call("/aktionen/planen", payload))
    if state.json:
        emit(result)
        return
    done(f"Geplant: {result['action']['title']} (Kennung {result['action']['action_id'][:8]})")
    for warning in result["warnings"]:
        console.print(f"[yellow]Warnung:[/yellow] {warning}")
    if result["guideline"]:
        console.print(f"[blue]{result['guideline']}[/blue]")


@aktionen.command("einladen")
def invite(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    gruppen: list[str] = typer.Argument(..., help="Eingeladene Gruppen: Kurznamen (z. B. erzgebirge) oder Kennungen"),
) -> None:
    """Lädt Regionalgruppen ein (ihre Verteiler bekommen eine Mail mit .ics).

    Beispiel: beratungsnetz aktionen einladen "Zahltag-Aktion" erzgebirge chemnitz"""
    result = run(lambda g: g.call("/aktionen/einladen", {"action_id": names.action(g, aktion), "group_ids": gruppen}))
    emit(result) if state.json else done(
        f"Eingeladen: {', '.join(i['group_name'] or i['group_id'] for i in result['invitations'])}"
    )


def _respond(aktion: str, gruppe: str, accept: bool) -> None:
    result = run(
        lambda g: g.call(
            "/aktionen/antworten", {"action_id": names.action(g, aktion), "group_id": gruppe, "accept": accept}
        )
    )
    emit(result) if state.json else done("Zugesagt." if accept else "Abgesagt.")


@aktionen.command("zusagen")
def accept(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    gruppe: str = typer.Argument(..., help="Kurzname, Name oder Kennung der Gruppe"),
) -> None:
    """Sagt für eine eingeladene Gruppe zu.

    Beispiel: beratungsnetz aktionen zusagen "Zahltag-Aktion" erzgebirge"""
    _respond(aktion, gruppe, True)


@aktionen.command("ablehnen")
def decline(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    gruppe: str = typer.Argument(..., help="Kurzname, Name oder Kennung der Gruppe"),
) -> None:
    """Sagt für eine eingeladene Gruppe ab.

    Beispiel: beratungsnetz aktionen ablehnen "Zahltag-Aktion" chemnitz"""
    _respond(aktion, gruppe, False)


@aktionen.command("bestaetigen")
def confirm(aktion: str = typer.Argument(..., help=ACTION_HELP)) -> None:
    """Bestätigt eine Aktion (alle Eingeladenen haben geantwortet, V ist eingetragen).

    Beispiel: beratungsnetz aktionen bestaetigen "Zahltag-Aktion\""""
    result = run(lambda g: g.call("/aktionen/bestaetigen", {"action_id": names.action(g, aktion)}))
    emit(result) if state.json else done(f"Bestätigt: {result['title']}")


@aktionen.command("abschliessen")
def complete(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    teilnehmende: int = typer.Option(..., help="Wie viele teilnahmen"),
    notizen: str = typer.Option("", help="Wie es lief"),
    presse: str = typer.Option("", help="Presseecho"),
) -> None:
    """Vermerkt eine Aktion als durchgeführt, mit kurzem Bericht.

    Beispiel: beratungsnetz aktionen abschliessen "Zahltag-Aktion" --teilnehmende 14 --notizen "Gute Gespräche\""""
    result = run(
        lambda g: g.call(
            "/aktionen/abschliessen",
            {"action_id": names.action(g, aktion), "participants": teilnehmende, "notes": notizen, "press": presse},
        )
    )
    emit(result) if state.json else done(f"Durchgeführt: {result['title']}")


@aktionen.command("absagen")
def cancel(aktion: str = typer.Argument(..., help=ACTION_HELP), grund: str = typer.Option("", help="Warum")) -> None:
    """Sagt eine Aktion ab.

    Beispiel: beratungsnetz aktionen absagen "Zahltag-Aktion" --grund "Jobcenter geschlossen\""""
    result = run(lambda g: g.call("/aktionen/absagen", {"action_id": names.action(g, aktion), "reason": grund}))
    emit(result) if state.json else done(f"Abgesagt: {result['title']}")


@aktionen.command("liste")
def list_actions(
    gruppe: str = typer.Option(None, help="Kurzname, Name oder Kennung der Gruppe"),
    status: str = typer.Option(None, help="z. B. geplant, bestätigt, durchgeführt, abgesagt, idee"),
) -> None:
    """Listet Aktionen, auch die einer Gruppe (Kennungen gekürzt; jeder Befehl nimmt sie so an).

    Beispiel: beratungsnetz aktionen liste --gruppe vogtland"""
    data = run(lambda g: g.get("/aktionen", group_id=gruppe, status=status))
    emit(data, ACTION_COLUMNS, data["actions"], title=count(len(data["actions"]), "Aktion", "Aktionen"))


@aktionen.command("zeigen")
def show_action(aktion: str = typer.Argument(..., help=ACTION_HELP)) -> None:
    """Zeigt eine Aktion mit Einladungen, Bericht und Auswertung, lesbar; mit --json die Daten für Skripte.

    Beispiel: beratungsnetz aktionen zeigen "Zahltag-Aktion\""""
    found = run(lambda g: g.get("/aktion", action_id=names.action(g, aktion)))
    if state.json:
        emit(found)
        return
    invitations = [f"{i['group_name'] or i['group_id'][:8]}: {i['status']}" for i in found.get("invitations", [])]
    view(found | {"invitations": invitations}, LABELS)


@aktionen.command("verschieben")
def reschedule(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    beginn: str = typer.Option(None, help=WHEN_HELP + "; ohne Angabe bleibt er"),
    ende: str = typer.Option(None, help=WHEN_HELP + "; ohne Angabe bleibt es"),
    titel: str = typer.Option(None, help="Neuer Titel"),
    ort: str = typer.Option(None, help="Neuer Ort"),
    jobcenter: str = typer.Option(None, help="Neues Jobcenter"),
    verantwortlich: list[str] = typer.Option([], help="Ersetzt die Verantwortlichen (mehrfach)"),
) -> None:
    """Verschiebt oder ändert eine Aktion; nicht Genanntes bleibt, die Eingeladenen erfahren es.

    Beispiel: beratungsnetz aktionen verschieben "Zahltag-Aktion" --beginn "8.12.2026 8:30" --ende "8.12.2026 11:00\""""

    def change(g):  # noqa: ANN001, ANN202
        action_id = names.action(g, aktion)
        now = g.get("/aktion", action_id=action_id)
        payload = {k: now[k] for k in ("kind", "title", "place", "job_centre", "start", "end", "responsible")}
        given = {"title": titel, "place": ort, "job_centre": jobcenter, "start": parse_moment(beginn)}
        given |= {"end": parse_moment(ende), "responsible": verantwortlich or None}
        return g.call(
            "/aktionen/verschieben",
            payload | {k: v for k, v in given.items() if v is not None} | {"action_id": action_id},
        )

    result = run(change)
    if state.json:
        emit(result)
        return
    action = result["action"]
    done(f"Geändert: {action['title']}, {moment(action['start']) or 'ohne Termin'}")
    for warning in result["warnings"]:
        console.print(f"[yellow]Warnung:[/yellow] {warning}")


@aktionen.command("auswerten")
def evaluate(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    auswertung: str = typer.Option(..., help="Was gut lief, was beim nächsten Mal anders sein soll"),
) -> None:
    """Hält die Auswertung einer durchgeführten Aktion fest.

    Beispiel: beratungsnetz aktionen auswerten "Zahltag-Aktion" --auswertung "Früher da sein; mehr Flyer\""""
    result = run(
        lambda g: g.call("/aktionen/auswerten", {"action_id": names.action(g, aktion), "evaluation": auswertung})
    )
    emit(result) if state.json else done(f"Ausgewertet: {result['title']}")


@arbeitsplan.command("import")
def import_plan(
    datei: Path = typer.Argument(..., exists=True, readable=True, help="Textdatei des Arbeitsplans (UTF-8)"),
    jahr: int = typer.Option(None, help="Jahr des Plans, falls der Text es nicht nennt"),
) -> None:
    """Importiert einen Arbeitsplan im V:/T:-Stil; ein zweiter Import legt nichts doppelt an.

    Beispiel: beratungsnetz arbeitsplan import arbeitsplan-2027.txt --jahr 2027"""
    with console.status("Importiere Arbeitsplan …", spinner="dots") if not state.json else nullcontext():
        result = run(
            lambda g: g.call("/arbeitsplan/import", {"text": datei.read_text(encoding="utf-8-sig"), "year": jahr})
        )
    if state.json:
        emit(result)
        return
    done(
        f"{result['plan']}: {count(len(result['items']), 'Punkt', 'Punkte')} neu, {result['unchanged']} schon vorhanden"
    )
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
    flag = "überfällig" if item.get("overdue") else day(item.get("due"))
    return item | {
        "v": responsible_text(item["responsible"]),
        "t": timing_text(item["timing"]),
        "short": item["text"][:70],
        "flag": flag,
    }


@arbeitsplan.command("liste")
def list_items(offen: bool = typer.Option(False, "--offen", help="Nur offene Punkte")) -> None:
    """Listet den Arbeitsplan mit Fälligkeit; ein nicht erkanntes T ist als solches markiert.

    Beispiel: beratungsnetz arbeitsplan liste --offen"""
    data = run(lambda g: g.get("/arbeitsplan", only_open="true" if offen else None))
    emit(data, ITEM_COLUMNS, [item_row(i) for i in data["items"]])


@arbeitsplan.command("erledigt")
def item_done(punkt: str = typer.Argument(..., help=ITEM_HELP)) -> None:
    """Vermerkt einen Punkt als erledigt (wiederkehrende: für den laufenden Zeitraum).

    Beispiel: beratungsnetz arbeitsplan erledigt 5d1c8a20"""
    result = run(lambda g: g.call("/arbeitsplan/erledigt", {"item_id": names.item(g, punkt)}))
    emit(result) if state.json else done(f"Erledigt: {result['text'][:60]}")


@arbeitsplan.command("vermerk")
def note(
    punkt: str = typer.Argument(..., help=ITEM_HELP),
    text: str = typer.Argument(..., help="Der Vermerk"),
    autor: str = typer.Option("", help="Wer ihn schreibt"),
) -> None:
    """Fügt einem Punkt einen Fortschrittsvermerk hinzu.

    Beispiel: beratungsnetz arbeitsplan vermerk 5d1c8a20 "Flyer bestellt" --autor Kathrin"""
    result = run(
        lambda g: g.call("/arbeitsplan/vermerk", {"item_id": names.item(g, punkt), "text": text, "author": autor})
    )
    emit(result) if state.json else done("Vermerk gespeichert.")


@arbeitsplan.command("punkt")
def add_item(
    text: str = typer.Argument(..., help="Was zu tun ist"),
    v: str = typer.Option(..., "--v", help="Wer verantwortlich ist (V), z. B. „Kathrin“"),
    t: str = typer.Option(None, "--t", help="Wann (T), z. B. „bis 30.06.“ oder „monatlich“"),
    plan: str = typer.Option("Arbeitsplan", help="Zu welchem Plan"),
    jahr: int = typer.Option(None, help="Jahr des Plans"),
) -> None:
    """Nimmt einen Punkt in den Arbeitsplan auf.

    Beispiel: beratungsnetz arbeitsplan punkt "Flyer für den Zahltag drucken" --v Kathrin --t "bis 15.11.\""""
    payload = {"text": text, "responsible": v, "timing": t, "plan": plan, "year": jahr}
    item = run(lambda g: g.call("/arbeitsplan/punkt", payload))
    emit(item) if state.json else done(f"Aufgenommen: {item['text'][:60]} (Kennung {item['item_id'][:8]})")


@arbeitsplan.command("status")
def item_status(
    punkt: str = typer.Argument(..., help=ITEM_HELP),
    status: str = typer.Argument(..., help="offen, „in Arbeit“ oder erledigt"),
) -> None:
    """Setzt den Status eines Punkts.

    Beispiel: beratungsnetz arbeitsplan status 5d1c8a20 "in Arbeit\""""
    item = run(lambda g: g.call("/arbeitsplan/status", {"item_id": names.item(g, punkt), "status": status}))
    emit(item) if state.json else done(f"{item['text'][:60]}: {item['status']}")


def progress(
    zeitraum: str = typer.Option(None, help="Einen früheren Bericht zeigen (Zeitraum aus --liste)"),
    liste: bool = typer.Option(False, "--liste", help="Die bisherigen Berichte auflisten"),
) -> None:
    """Zeigt den Fortschrittsbericht; das Landesbüro erstellt ihn dabei neu, der Landesvorstand liest den letzten.

    Der neue Bericht geht auch an den Landesvorstand. Mit --liste die bisherigen Berichte, mit --zeitraum einen davon.

    Beispiel: beratungsnetz fortschritt

    Beispiel: beratungsnetz fortschritt --liste

    Beispiel: beratungsnetz fortschritt --zeitraum 2026-11"""
    if liste:
        found = run(lambda g: g.get("/fortschritt"))
        columns = [("Zeitraum", "period_key"), ("von", "since"), ("bis", "until"), ("durchgeführt", "actions_done")]
        emit(found, [*columns, ("überfällig", "items_overdue")], found["reports"])
        return
    report = run(lambda g: g.get("/fortschritt/bericht", period_key=zeitraum) if zeitraum else _compile_or_latest(g))
    if state.json:
        emit(report)
        return
    _show_report(report)


def _compile_or_latest(g):  # noqa: ANN001, ANN202
    """A new report where the token may compile one (Landesbüro), else the latest the board may read."""
    try:
        return g.call("/fortschritt/erstellen", {})
    except CliError as exc:
        if exc.code != DENIED:
            raise
    latest = g.get("/fortschritt", limit=1)["reports"]
    if not latest:
        raise CliError("Noch kein Fortschrittsbericht erstellt; das Landesbüro erstellt ihn.", 1)
    return g.get("/fortschritt/bericht", period_key=latest[0]["period_key"])


def _show_report(report: dict) -> None:
    o = report["overall"]
    console.print(f"[bold]Fortschrittsbericht {day(report['since'][:10])} bis {day(report['until'][:10])}[/bold]")
    console.print(
        f"Aktionen: {o['actions_planned']} geplant, {o['actions_done']} durchgeführt, "
        f"{count(o['invitations_open'], 'Einladung', 'Einladungen')} offen"
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
