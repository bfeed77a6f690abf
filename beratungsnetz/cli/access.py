"""`beratungsnetz tokens`: API tokens for people and scripts (admins only)."""

from __future__ import annotations

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.output import console, done, emit, run, state

tokens = typer.Typer(help="API-Tokens anlegen, auflisten, widerrufen.", no_args_is_help=True)


@tokens.command("anlegen")
def create(
    name: str = typer.Option(..., help="Wofür oder für wen, z. B. „Kathrin (Moderation LAG)“"),
    rolle: str = typer.Option(..., help="admin (Landesbüro), board (Landesvorstand), moderator, coordinator"),
    bereich: str = typer.Option(
        None, help="Verteiler (moderator, z. B. lag-hartz-iv-sachsen) oder Regionalgruppe (coordinator, z. B. vogtland)"
    ),
    adresse: str = typer.Option(..., help="Für wen das Token handelt"),
) -> None:
    """Legt ein Token an; es wird nur jetzt angezeigt.

    Beispiel: beratungsnetz tokens anlegen --name Kathrin --rolle moderator --bereich lag-hartz-iv-sachsen
    --adresse kathrin@example.org"""
    made = run(lambda g: g.call("/tokens/anlegen", {"name": name, "role": rolle, "scope": bereich, "address": adresse}))
    if state.json:
        emit(made)
        return
    done(f"Token für {made['name']} ({made['role']}) angelegt. Bitte jetzt sicher aufbewahren:")
    console.print(made["token"])


@tokens.command("liste")
def listing() -> None:
    """Listet die Tokens (ohne Geheimnis; Kennungen gekürzt).

    Beispiel: beratungsnetz tokens liste"""
    data = run(lambda g: g.get("/tokens"))
    emit(
        data,
        [
            ("Kennung", "id"),
            ("Name", "name"),
            ("Rolle", "role"),
            ("Bereich", "scope"),
            ("Adresse", "address"),
            ("widerrufen", "revoked_at"),
        ],
        data,
    )


@tokens.command("widerrufen")
def revoke(
    token: str = typer.Argument(..., help="Name des Tokens, seine Kurzkennung aus der Liste oder Kennung"),
) -> None:
    """Widerruft ein Token sofort.

    Beispiel: beratungsnetz tokens widerrufen Kathrin"""
    made = run(lambda g: g.call("/tokens/widerrufen", {"id": names.token(g, token)}))
    emit(made) if state.json else done(f"Widerrufen: {made['name']}")
