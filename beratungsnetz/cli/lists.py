"""`beratungsnetz verteiler|personen`: mailing lists, moderation, data protection."""

from __future__ import annotations

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.formats import count
from beratungsnetz.cli.output import done, emit, run, state

verteiler = typer.Typer(
    help="Verteiler: abonnieren, Anfragen entscheiden, Mitglieder, Rollen, Zustellung, Adressen, Beiträge, Protokoll.",
    no_args_is_help=True,
)
LIST_HELP = "Kurzname des Verteilers (z. B. lag-hartz-iv-sachsen) oder sein Name"
REQUEST_HELP = "Die Adresse der Anfrage, ihre Kurzkennung aus `verteiler anfragen` oder ihre Kennung"
MEMBER_COLUMNS = [
    ("Adresse", "address"),
    ("Name", "display_name"),
    ("Rolle", "role"),
    ("Zustellung", "delivery"),
    ("Status", "status"),
]


@verteiler.command("liste")
def list_lists() -> None:
    """Listet alle Verteiler.

    Beispiel: beratungsnetz verteiler liste"""
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
    """Legt einen Verteiler an.

    Beispiel: beratungsnetz verteiler anlegen "Sozialberatung Sachsen" --verwaltung landesbuero@example.org"""
    created = run(
        lambda g: g.call("/verteiler/anlegen", {"name": name, "policy": richtlinie, "owner_address": verwaltung})
    )
    emit(created) if state.json else done(f"Angelegt: {created['name']} (Kurzname {created['list_id']})")


@verteiler.command("abonnieren")
def subscribe(
    liste: str = typer.Argument(..., help=LIST_HELP),
    adresse: str = typer.Argument(...),
    name: str = typer.Option("", help="Anzeigename"),
) -> None:
    """Trägt eine Adresse ein wie das öffentliche Formular (mit Bestätigungsmail).

    Beispiel: beratungsnetz verteiler abonnieren lag-hartz-iv-sachsen anna@example.org --name Anna"""
    run(lambda g: g.form(f"/abonnieren/{names.list_id(g, liste)}", {"adresse": adresse, "name": name}))
    done("Anfrage angenommen; die Adresse erhält eine E-Mail mit den nächsten Schritten.")


@verteiler.command("anfragen")
def pending(liste: str = typer.Argument(..., help=LIST_HELP)) -> None:
    """Zeigt die Anfragen, die auf die Moderation warten (Anfrage gekürzt; die Befehle nehmen sie so oder die Adresse).

    Beispiel: beratungsnetz verteiler anfragen lag-hartz-iv-sachsen"""
    data = run(lambda g: g.get("/verteiler/anfragen", list_id=names.list_id(g, liste)))
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
    def decide(g):  # noqa: ANN001, ANN202
        list_id = names.list_id(g, liste)
        ref = {"list_id": list_id, "request_id": names.request(g, list_id, anfrage)}
        return g.call("/verteiler/entscheiden", ref | {"decision": decision, "reason": reason})

    result = run(decide)
    emit(result) if state.json else done(f"{result['address']}: {result['state']}")


@verteiler.command("annehmen")
def approve(
    liste: str = typer.Argument(..., help=LIST_HELP), anfrage: str = typer.Argument(..., help=REQUEST_HELP)
) -> None:
    """Nimmt eine Anfrage an.

    Beispiel: beratungsnetz verteiler annehmen lag-hartz-iv-sachsen anna@example.org"""
    _decide(liste, anfrage, "annehmen")


@verteiler.command("ablehnen")
def reject(
    liste: str = typer.Argument(..., help=LIST_HELP),
    anfrage: str = typer.Argument(..., help=REQUEST_HELP),
    grund: str = typer.Option("", help="Wird der Person mitgeteilt"),
) -> None:
    """Lehnt eine Anfrage ab.

    Beispiel: beratungsnetz verteiler ablehnen lag-hartz-iv-sachsen 3f2a9c1e --grund "Nur für Beratende\""""
    _decide(liste, anfrage, "ablehnen", grund)


@verteiler.command("zurueckstellen")
def defer(
    liste: str = typer.Argument(..., help=LIST_HELP), anfrage: str = typer.Argument(..., help=REQUEST_HELP)
) -> None:
    """Stellt eine Anfrage zurück.

    Beispiel: beratungsnetz verteiler zurueckstellen lag-hartz-iv-sachsen anna@example.org"""
    _decide(liste, anfrage, "zurueckstellen")


@verteiler.command("mitglieder")
def members(liste: str = typer.Argument(..., help=LIST_HELP)) -> None:
    """Listet die Mitglieder eines Verteilers.

    Beispiel: beratungsnetz verteiler mitglieder lag-hartz-iv-sachsen"""
    data = run(lambda g: g.get("/verteiler/mitglieder", list_id=names.list_id(g, liste)))
    emit(data, MEMBER_COLUMNS, data["members"], title=count(len(data["members"]), "Mitglied", "Mitglieder"))


@verteiler.command("hinzufuegen")
def add(
    liste: str = typer.Argument(..., help=LIST_HELP),
    adresse: str = typer.Argument(...),
    name: str = typer.Option("", help="Anzeigename"),
    rolle: str = typer.Option("mitglied", help="mitglied, moderation, verwaltung"),
    zustellung: str = typer.Option("jede", help="jede, taeglich, woechentlich"),
) -> None:
    """Fügt ein Mitglied hinzu.

    Beispiel: beratungsnetz verteiler hinzufuegen lag-hartz-iv-sachsen bernd@example.org --name Bernd"""
    member = run(
        lambda g: g.call(
            "/verteiler/mitglied-hinzufuegen",
            {"list_id": names.list_id(g, liste), "address": adresse, "display_name": name, "role": rolle}
            | {"delivery": zustellung},
        )
    )
    emit(member) if state.json else done(f"{member['address']} ist Mitglied ({member['role']}).")


@verteiler.command("entfernen")
def remove(liste: str = typer.Argument(..., help=LIST_HELP), adresse: str = typer.Argument(...)) -> None:
    """Entfernt ein Mitglied.

    Beispiel: beratungsnetz verteiler entfernen lag-hartz-iv-sachsen bernd@example.org"""
    member = run(
        lambda g: g.call("/verteiler/mitglied-entfernen", {"list_id": names.list_id(g, liste), "address": adresse})
    )
    emit(member) if state.json else done(f"{member['address']} entfernt.")


@verteiler.command("rolle")
def role(
    liste: str = typer.Argument(..., help=LIST_HELP),
    adresse: str = typer.Argument(...),
    rolle: str = typer.Argument(..., help="mitglied, moderation, verwaltung"),
) -> None:
    """Ändert die Rolle eines Mitglieds (z. B. Moderationsrechte vergeben).

    Beispiel: beratungsnetz verteiler rolle lag-hartz-iv-sachsen bernd@example.org moderation"""
    member = run(
        lambda g: g.call("/verteiler/rolle", {"list_id": names.list_id(g, liste), "address": adresse, "role": rolle})
    )
    emit(member) if state.json else done(f"{member['address']} hat jetzt die Rolle {member['role']}.")


@verteiler.command("adresse")
def change_address(
    liste: str = typer.Argument(..., help=LIST_HELP), alt: str = typer.Argument(...), neu: str = typer.Argument(...)
) -> None:
    """Ändert die Adresse eines Mitglieds; die neue Adresse muss bestätigen.

    Beispiel: beratungsnetz verteiler adresse lag-hartz-iv-sachsen anna@example.org anna@example.net"""
    result = run(
        lambda g: g.call(
            "/verteiler/adresse-aendern", {"list_id": names.list_id(g, liste), "address": alt, "new_address": neu}
        )
    )
    emit(result) if state.json else done(result["message"])


@verteiler.command("beitrag")
def post(
    liste: str = typer.Argument(..., help=LIST_HELP),
    betreff: str = typer.Option(..., help="Eine Zeile"),
    text: str = typer.Option(..., help="Der Text des Beitrags"),
) -> None:
    """Schickt einen Beitrag an alle Mitglieder.

    Beispiel: beratungsnetz verteiler beitrag lag-hartz-iv-sachsen --betreff Treffen --text "Bis Montag\""""
    result = run(
        lambda g: g.call("/verteiler/beitrag", {"list_id": names.list_id(g, liste), "subject": betreff, "text": text})
    )
    emit(result) if state.json else done(f"An {count(result['recipients'], 'Mitglied', 'Mitglieder')} verschickt.")


@verteiler.command("zustellung")
def delivery(
    liste: str = typer.Argument(..., help=LIST_HELP),
    adresse: str = typer.Argument(...),
    art: str = typer.Argument(..., help="jede (jede Nachricht einzeln), taeglich oder woechentlich (gesammelt)"),
) -> None:
    """Ändert, wie ein Mitglied die Beiträge bekommt: einzeln oder täglich bzw. wöchentlich gesammelt.

    Beispiel: beratungsnetz verteiler zustellung lag-hartz-iv-sachsen bernd@example.org woechentlich"""
    member = run(
        lambda g: g.call(
            "/verteiler/zustellung", {"list_id": names.list_id(g, liste), "address": adresse, "delivery": art}
        )
    )
    emit(member) if state.json else done(f"{member['address']}: Zustellung {member['delivery']}.")


@verteiler.command("protokoll")
def audit(
    liste: str = typer.Argument(..., help=LIST_HELP),
    person: str = typer.Option("", help="Teil einer Adresse (wer handelte oder wen es betraf)"),
    aktion: str = typer.Option("", help="Nur diese Aktion, z. B. annehmen"),
    anzahl: int = typer.Option(100, help="Höchstens so viele Einträge, neueste zuerst"),
) -> None:
    """Zeigt das Protokoll eines Verteilers: wer wann was entschied und änderte.

    Beispiel: beratungsnetz verteiler protokoll lag-hartz-iv-sachsen --aktion annehmen"""
    data = run(
        lambda g: g.get(
            "/verteiler/protokoll",
            list_id=names.list_id(g, liste),
            person=person or None,
            action=aktion or None,
            limit=anzahl,
        )
    )
    columns = [("Zeit", "at"), ("Wer", "actor"), ("Aktion", "action"), ("Betrifft", "subject"), ("Angabe", "detail")]
    emit(data, columns, data["entries"], title=count(data.get("total", len(data["entries"])), "Eintrag", "Einträge"))


@verteiler.command("versand")
def delivery_stats() -> None:
    """Zeigt den Stand des Mailversands: wartend, verschickt, fehlgeschlagen, gesammelt (Landesbüro).

    Beispiel: beratungsnetz verteiler versand"""
    stats = run(lambda g: g.get("/versand"))
    if state.json:
        emit(stats)
        return
    labels = {"pending": "wartend", "sent": "verschickt", "failed": "fehlgeschlagen", "digest": "für Sammelmails"}
    emit(None, [("Stand", "label"), ("Mails", "n")], [{"label": v, "n": stats[k]} for k, v in labels.items()])
