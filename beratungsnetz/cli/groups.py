"""`beratungsnetz gruppen|kreisverbaende|abdeckung`: regional groups, districts and the coverage report."""

from __future__ import annotations

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.formats import LABELS
from beratungsnetz.cli.output import confirm, console, done, emit, errors, run, state, view

gruppen = typer.Typer(
    help="Regionalgruppen: auflisten, zeigen, gründen, umbenennen, Koordination, zusammenlegen, auflösen.",
    no_args_is_help=True,
)
kreisverbaende = typer.Typer(help="Kreisverbände und Bezirke: auflisten, anlegen.", no_args_is_help=True)
GROUP_HELP = "Kurzname (z. B. vogtland, auch ein früherer), Name oder Kennung der Regionalgruppe"


def _coordinator(text: str) -> dict:
    who, _, mail = text.partition("<")
    return {"name": who.strip(), "email": mail.rstrip(">").strip() or None}


@gruppen.command("liste")
def list_groups(land: str = typer.Option(None, help="Bundesland, z. B. SN")) -> None:
    """Listet die Regionalgruppen.

    Beispiel: beratungsnetz gruppen liste --land SN"""
    data = run(lambda g: g.get("/gruppen", state=land))
    columns = [("Kurzname", "slug"), ("Name", "name"), ("Land", "state"), ("Status", "status")]
    emit(data, [*columns, ("Koordination", "coordinator.name")], data["groups"])


@gruppen.command("zeigen")
def show_group(gruppe: str = typer.Argument(..., help=GROUP_HELP)) -> None:
    """Zeigt eine Regionalgruppe mit Koordination und Kreisverbänden.

    Beispiel: beratungsnetz gruppen zeigen vogtland"""
    group = run(lambda g: g.get("/gruppe", group=gruppe))
    emit(group) if state.json else view(group, LABELS)


@gruppen.command("gruenden")
def form_group(
    name: str,
    land: str = typer.Option(..., help="z. B. SN"),
    koordination: str = typer.Option(None, help="„Name <adresse>“"),
    kreisverband: list[str] = typer.Option([], help="Namen oder Kennungen der Kreisverbände (mehrfach)"),
) -> None:
    """Gründet eine Regionalgruppe (ihr Verteiler entsteht von selbst).

    Beispiel: beratungsnetz gruppen gruenden Zwickau --land SN --koordination "Petra <petra@example.org>"
    --kreisverband Zwickau"""
    payload = {"name": name, "state": land, "district_ids": run(lambda g: [names.district(g, k) for k in kreisverband])}
    if koordination:
        payload["coordinator"] = _coordinator(koordination)
    group = run(lambda g: g.call("/gruppen/gruenden", payload))
    emit(group) if state.json else done(
        f"Gegründet: {group['name']} (Kurzname {group['slug']}, z. B. /kalender/{group['slug']}.ics)"
    )


@gruppen.command("umbenennen")
def rename_group(gruppe: str = typer.Argument(..., help=GROUP_HELP), name: str = typer.Argument(...)) -> None:
    """Benennt eine Regionalgruppe um; ihr bisheriger Kurzname bleibt in Links gültig.

    Beispiel: beratungsnetz gruppen umbenennen goerlitz "Görlitz-Zittau\""""
    group = run(lambda g: g.call("/gruppen/umbenennen", {"group_id": gruppe, "name": name}))
    kept = f"; weiterhin gültig: {', '.join(group['aliases'])}" if group["aliases"] else ""
    emit(group) if state.json else done(f"Umbenannt in {group['name']} (Kurzname {group['slug']}{kept})")


@gruppen.command("koordination")
def change_coordinator(
    gruppe: str = typer.Argument(..., help=GROUP_HELP),
    koordination: str = typer.Argument(..., help="„Name <adresse>“ der neuen Koordination"),
) -> None:
    """Wechselt die Koordination einer Regionalgruppe; sie moderiert dann auch den Verteiler der Gruppe.

    Beispiel: beratungsnetz gruppen koordination vogtland "Kathrin <kathrin@example.org>\""""
    group = run(
        lambda g: g.call("/gruppen/koordination", {"group_id": gruppe, "coordinator": _coordinator(koordination)})
    )
    emit(group) if state.json else done(f"{group['name']}: Koordination jetzt {group['coordinator']['name']}")


@gruppen.command("zusammenlegen")
def merge_groups(
    ziel: str = typer.Argument(..., help="Die Gruppe, die bleibt: " + GROUP_HELP),
    gruppen_: list[str] = typer.Argument(..., metavar="GRUPPEN", help="Die Gruppen, die in ihr aufgehen"),
) -> None:
    """Legt Regionalgruppen zusammen; die Kurznamen der aufgegangenen führen danach zur bleibenden Gruppe.

    Beispiel: beratungsnetz gruppen zusammenlegen goerlitz-zittau zittau"""
    group = run(lambda g: g.call("/gruppen/zusammenlegen", {"into_group_id": ziel, "group_ids": gruppen_}))
    emit(group) if state.json else done(f"Zusammengelegt in {group['name']} (Kurzname {group['slug']})")


@gruppen.command("aufloesen")
def dissolve_group(
    gruppe: str = typer.Argument(..., help=GROUP_HELP),
    ja: bool = typer.Option(False, "--ja", help="Ohne Rückfrage auflösen"),
) -> None:
    """Löst eine Regionalgruppe auf.

    Beispiel: beratungsnetz gruppen aufloesen zittau --ja"""
    if not ja and not confirm(f"Regionalgruppe {gruppe} auflösen?"):
        errors.print("Nichts aufgelöst.")
        raise typer.Exit(1)
    group = run(lambda g: g.call("/gruppen/aufloesen", {"group_id": gruppe}))
    emit(group) if state.json else done(f"Aufgelöst: {group['name']}")


@gruppen.command("replikat-neu-aufbauen")
def rebuild_groups() -> None:
    """Baut die Gruppen der Aktionsplanung aus den Ereignissen des Registers neu auf (nach einer Störung).

    Beispiel: beratungsnetz gruppen replikat-neu-aufbauen"""
    result = run(lambda g: g.call("/gruppen/replikat-neu-aufbauen", {}))
    emit(result) if state.json else done("Neu aufgebaut.")


@kreisverbaende.command("liste")
def list_districts(land: str = typer.Option(None, help="Bundesland, z. B. SN")) -> None:
    """Listet Kreisverbände und Bezirke.

    Beispiel: beratungsnetz kreisverbaende liste --land SN"""
    data = run(lambda g: g.get("/kreisverbaende", state=land))
    emit(data, [("Kennung", "district_id"), ("Name", "name"), ("Land", "state"), ("Art", "kind")], data["districts"])


@kreisverbaende.command("anlegen")
def add_district(
    name: str,
    land: str = typer.Option(..., help="z. B. SN"),
    art: str = typer.Option("kreisverband", help="kreisverband oder bezirk"),
) -> None:
    """Legt einen Kreisverband oder Bezirk an.

    Beispiel: beratungsnetz kreisverbaende anlegen Bautzen --land SN"""
    district = run(lambda g: g.call("/kreisverbaende/anlegen", {"name": name, "state": land, "kind": art}))
    emit(district) if state.json else done(f"Angelegt: {district['name']} (Kennung {district['district_id'][:8]})")


def coverage(land: str = typer.Option(None, help="Bundesland, z. B. SN")) -> None:
    """Zeigt den Abdeckungsbericht: Lücken im Netz der Beratungsstellen.

    Beispiel: beratungsnetz abdeckung --land SN"""
    report = run(lambda g: g.get("/abdeckung", state=land))
    emit(report) if state.json else console.print(report["text"], markup=False, highlight=False)
