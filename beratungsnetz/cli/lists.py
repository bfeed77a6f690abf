"""`beratungsnetz verteiler|personen`: mailing lists, moderation, data protection."""

from __future__ import annotations

import typer

from beratungsnetz.cli.client import UNREACHABLE
from beratungsnetz.cli.output import confirm, done, emit, errors, run, state

verteiler = typer.Typer(
    help="Verteiler: abonnieren, Anfragen entscheiden, Mitglieder, Rollen, Adressen, Beiträge.", no_args_is_help=True
)
personen = typer.Typer(
    help="Auskunft (Art. 15 DSGVO), Löschung (Art. 17) und Sperre (Widerspruch, Art. 21) einer Adresse in allen Diensten.",
    no_args_is_help=True,
)
MEMBER_COLUMNS = [
    ("Adresse", "address"),
    ("Name", "display_name"),
    ("Rolle", "role"),
    ("Zustellung", "delivery"),
    ("Status", "status"),
]


@verteiler.command("liste")
def list_lists() -> None:
    """Listet alle Verteiler."""
    data = run(lambda g: g.get("/verteiler"))
    emit(
        data,
        [
            ("Kurzname", "list_id"),
            ("Name", "name"),
            ("Richtlinie", "policy"),
            ("Mitglieder", "members"),
            ("Status", "status"),
        ],
        data["lists"],
    )


@verteiler.command("anlegen")
def create_list(
    name: str,
    richtlinie: str = typer.Option(
        "bestaetigen_und_moderiert", help="offen, bestaetigen, moderiert, bestaetigen_und_moderiert"
    ),
    verwaltung: str = typer.Option(None, help="Adresse der Verwaltung (wird Mitglied mit Rolle verwaltung)"),
) -> None:
    """Legt einen Verteiler an."""
    created = run(
        lambda g: g.call("/verteiler/anlegen", {"name": name, "policy": richtlinie, "owner_address": verwaltung})
    )
    emit(created) if state.json else done(f"Angelegt: {created['name']} (Kurzname {created['list_id']})")


@verteiler.command("abonnieren")
def subscribe(liste: str, adresse: str, name: str = typer.Option("", help="Anzeigename")) -> None:
    """Trägt eine Adresse ein wie das öffentliche Formular (mit Bestätigungsmail)."""
    run(lambda g: g.form(f"/abonnieren/{liste}", {"adresse": adresse, "name": name}))
    done("Anfrage angenommen; die Adresse erhält eine E-Mail mit den nächsten Schritten.")


@verteiler.command("anfragen")
def pending(liste: str) -> None:
    """Zeigt die Anfragen, die auf die Moderation warten."""
    data = run(lambda g: g.get("/verteiler/anfragen", list_id=liste))
    emit(
        data,
        [
            ("Anfrage", "request_id"),
            ("Art", "kind"),
            ("Adresse", "address"),
            ("Name", "display_name"),
            ("Seit", "created_at"),
        ],
        data["requests"],
    )


def _decide(liste: str, anfrage: str, decision: str, reason: str = "") -> None:
    result = run(
        lambda g: g.call(
            "/verteiler/entscheiden", {"list_id": liste, "request_id": anfrage, "decision": decision, "reason": reason}
        )
    )
    emit(result) if state.json else done(f"{result['address']}: {result['state']}")


@verteiler.command("annehmen")
def approve(liste: str, anfrage: str) -> None:
    """Nimmt eine Anfrage an."""
    _decide(liste, anfrage, "annehmen")


@verteiler.command("ablehnen")
def reject(liste: str, anfrage: str, grund: str = typer.Option("", help="Wird der Person mitgeteilt")) -> None:
    """Lehnt eine Anfrage ab."""
    _decide(liste, anfrage, "ablehnen", grund)


@verteiler.command("zurueckstellen")
def defer(liste: str, anfrage: str) -> None:
    """Stellt eine Anfrage zurück."""
    _decide(liste, anfrage, "zurueckstellen")


@verteiler.command("mitglieder")
def members(liste: str) -> None:
    """Listet die Mitglieder eines Verteilers."""
    data = run(lambda g: g.get("/verteiler/mitglieder", list_id=liste))
    emit(data, MEMBER_COLUMNS, data["members"])


@verteiler.command("hinzufuegen")
def add(
    liste: str,
    adresse: str,
    name: str = typer.Option(""),
    rolle: str = typer.Option("mitglied"),
    zustellung: str = typer.Option("jede", help="jede, taeglich, woechentlich"),
) -> None:
    """Fügt ein Mitglied hinzu."""
    member = run(
        lambda g: g.call(
            "/verteiler/mitglied-hinzufuegen",
            {"list_id": liste, "address": adresse, "display_name": name, "role": rolle, "delivery": zustellung},
        )
    )
    emit(member) if state.json else done(f"{member['address']} ist Mitglied ({member['role']}).")


@verteiler.command("entfernen")
def remove(liste: str, adresse: str) -> None:
    """Entfernt ein Mitglied."""
    member = run(lambda g: g.call("/verteiler/mitglied-entfernen", {"list_id": liste, "address": adresse}))
    emit(member) if state.json else done(f"{member['address']} entfernt.")


@verteiler.command("rolle")
def role(liste: str, adresse: str, rolle: str = typer.Argument(..., help="mitglied, moderation, verwaltung")) -> None:
    """Ändert die Rolle eines Mitglieds (z. B. Moderationsrechte vergeben)."""
    member = run(lambda g: g.call("/verteiler/rolle", {"list_id": liste, "address": adresse, "role": rolle}))
    emit(member) if state.json else done(f"{member['address']} hat jetzt die Rolle {member['role']}.")


@verteiler.command("adresse")
def change_address(liste: str, alt: str, neu: str) -> None:
    """Ändert die Adresse eines Mitglieds; die neue Adresse muss bestätigen."""
    result = run(lambda g: g.call("/verteiler/adresse-aendern", {"list_id": liste, "address": alt, "new_address": neu}))
    emit(result) if state.json else done(result["message"])


@verteiler.command("beitrag")
def post(liste: str, betreff: str = typer.Option(...), text: str = typer.Option(...)) -> None:
    """Schickt einen Beitrag an alle Mitglieder."""
    result = run(lambda g: g.call("/verteiler/beitrag", {"list_id": liste, "subject": betreff, "text": text}))
    emit(result) if state.json else done(f"An {result['recipients']} Mitglieder verschickt.")


@personen.command("auskunft")
def export(
    adresse: str, als_json: bool = typer.Option(False, "--json", help="Als JSON (deutsche Schlüssel) statt als Text")
) -> None:
    """Alles, was Verteilerdienst, Register, Aktionsplanung und Gateway zu einer Adresse speichern (Art. 15 DSGVO).

    Antwortet ein Dienst nicht, steht das oben; die Auskunft ist dann unvollständig (Rückgabewert 3, wie „nicht erreichbar“)."""
    if als_json or state.json:
        state.json = True
        found = run(lambda g: g.call("/personen/auskunft", {"address": adresse}))
        emit(found)
        complete = found.get("vollstaendig", True)
    else:
        text = run(lambda g: g.get("/personen/auskunft", address=adresse, format="text"))
        print(text, end="")
        complete = "ACHTUNG:" not in text
    if not complete:
        raise typer.Exit(UNREACHABLE)  # a service did not answer: the export is incomplete


@personen.command("loeschen")
def erase(
    adresse: str,
    sperren: bool = typer.Option(
        False,
        "--sperren",
        help="Löschen und sperren (Widerspruch, Art. 21 DSGVO): kein Weg nimmt die Adresse wieder auf, sie erhält "
        "keine E-Mail mehr. Ohne: die Person kann sich später mit neuer Bestätigung wieder eintragen.",
    ),
    ja: bool = typer.Option(False, "--ja", help="Ohne Rückfrage löschen"),
) -> None:
    """Löscht eine Adresse in allen Diensten (Verteiler, Register, Aktionsplanung), mit --sperren auch für immer."""
    question = f"{adresse} überall löschen und sperren?" if sperren else f"{adresse} überall löschen?"
    if not ja and not confirm(question):
        errors.print("Nichts gelöscht.")
        raise typer.Exit(1)
    result = run(lambda g: g.call("/personen/loeschen", {"address": adresse, "block": sperren}))
    what = "gelöscht und gesperrt" if sperren else "gelöscht"
    emit(result) if state.json else done(
        f"{adresse} {what} ({result['memberships']} Mitgliedschaften); die anderen Dienste folgen."
    )
