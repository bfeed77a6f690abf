"""German summaries and descriptions of the JSON API's operations, as the published OpenAPI shows them."""

from __future__ import annotations

SUMMARIES: dict[str, tuple[str, str]] = {  # path: German summary, description
    "/kreisverbaende/anlegen": ("Kreisverband anlegen", "Legt einen Kreisverband oder Bezirk mit Bundesland an."),
    "/gruppen/gruenden": (
        "Regionalgruppe gründen",
        "Gründet eine Regionalgruppe, wahlweise mit Koordination und Kreisverbänden.",
    ),
    "/gruppen/umbenennen": ("Regionalgruppe umbenennen", ""),
    "/gruppen/koordination": (
        "Koordination einer Regionalgruppe wechseln",
        "Die neue Koordination moderiert auch den Verteiler der Gruppe.",
    ),
    "/gruppen/zusammenlegen": ("Regionalgruppen zusammenlegen", "Die genannten Gruppen gehen in der Zielgruppe auf."),
    "/gruppen/aufloesen": ("Regionalgruppe auflösen", ""),
    "/beratungsstellen/eintragen": (
        "Beratungsstelle eintragen",
        "Mit Adresse, Sprechzeiten, Berater:innen und RDG-Anleitung.",
    ),
    "/beratungsstellen/aendern": ("Angaben einer Beratungsstelle ändern", ""),
    "/beratungsstellen/pausieren": ("Beratungsstelle pausieren", "Sie erscheint vorübergehend nicht im Verzeichnis."),
    "/beratungsstellen/reaktivieren": ("Pausierte Beratungsstelle wieder aufnehmen", ""),
    "/beratungsstellen/schliessen": ("Beratungsstelle schließen", ""),
    "/beratungsstellen/berater/hinzufuegen": ("Berater:in hinzufügen", ""),
    "/beratungsstellen/berater/entfernen": ("Berater:in entfernen", ""),
    "/beratungsstellen/berater/schulung": ("Schulung einer Berater:in eintragen", ""),
    "/beratungsstellen/anleitung": (
        "RDG-Anleitung einer Beratungsstelle ändern",
        "Volljurist:in, die die Beratung anleitet (§ 6 RDG).",
    ),
    "/beratungsstellen/import": ("Beratungsstellen aus CSV einlesen", "Mit `dry_run` nur prüfen; höchstens 4 MB."),
    "/verteiler/anlegen": ("Verteiler anlegen", ""),
    "/verteiler/entscheiden": (
        "Über eine Anfrage entscheiden",
        "Moderation des Verteilers oder Landesbüro; annehmen, ablehnen oder zurückstellen.",
    ),
    "/verteiler/mitglied-hinzufuegen": ("Mitglied eintragen", "Moderation des Verteilers oder Landesbüro."),
    "/verteiler/mitglied-entfernen": ("Mitglied austragen", "Moderation des Verteilers oder Landesbüro."),
    "/verteiler/rolle": ("Rolle eines Mitglieds ändern", "Moderation des Verteilers oder Landesbüro."),
    "/verteiler/zustellung": (
        "Zustellart eines Mitglieds ändern",
        "Jede Nachricht einzeln, täglich oder wöchentlich gesammelt.",
    ),
    "/verteiler/adresse-aendern": (
        "Adresse eines Mitglieds ändern",
        "Die neue Adresse muss die Änderung per Link bestätigen.",
    ),
    "/verteiler/beitrag": (
        "Beitrag an den Verteiler schicken",
        "Moderation des Verteilers oder Landesbüro; Betreff eine Zeile.",
    ),
    "/personen/auskunft": (
        "Auskunft über eine Person in allen Diensten (Art. 15 DSGVO)",
        "Alles, was Verteilerdienst, Register, Aktionsplanung und Gateway zu einer E-Mail-Adresse speichern, je "
        "Eintrag mit Art, Daten, Zweck und Aufbewahrung; JSON mit deutschen Schlüsseln, mit format=text als Text. "
        "Antwortet ein Dienst nicht, steht das unter „hinweise“ und „vollstaendig“ ist false. Nur Landesbüro (admin).",
    ),
    "/personen/loeschen": (
        "Person löschen (Art. 17 DSGVO), auf Wunsch sperren (Widerspruch, Art. 21 DSGVO)",
        "Löscht alles zu einer E-Mail-Adresse in allen Diensten. Mit `block: true` („löschen und sperren“) nimmt "
        "kein Weg die Adresse wieder auf und sie erhält keine E-Mail mehr; ohne kann sich die Person später mit "
        "neuer Bestätigung (Double-Opt-in) wieder eintragen.",
    ),
    "/aktionen/planen": ("Aktion planen", "Koordination der ausrichtenden Gruppe oder Landesbüro."),
    "/aktionen/verschieben": ("Aktion verschieben oder ändern", ""),
    "/aktionen/einladen": ("Gruppen zu einer Aktion einladen", ""),
    "/aktionen/antworten": ("Auf eine Einladung antworten", "Zusage oder Absage der eingeladenen Gruppe."),
    "/aktionen/bestaetigen": ("Aktion bestätigen", ""),
    "/aktionen/abschliessen": ("Aktion als durchgeführt melden", "Mit Teilnehmerzahl, Notizen und Presse."),
    "/aktionen/auswerten": ("Aktion auswerten", ""),
    "/aktionen/absagen": ("Aktion absagen", ""),
    "/arbeitsplan/punkt": ("Punkt in den Arbeitsplan aufnehmen", ""),
    "/arbeitsplan/import": (
        "Arbeitsplan einlesen",
        "Der Text des Arbeitsplans; ein leerer Text wird abgelehnt. Höchstens 4 MB.",
    ),
    "/arbeitsplan/status": ("Status eines Arbeitsplan-Punkts setzen", ""),
    "/arbeitsplan/vermerk": ("Vermerk zu einem Arbeitsplan-Punkt", ""),
    "/arbeitsplan/erledigt": ("Arbeitsplan-Punkt als erledigt melden", ""),
    "/fortschritt/erstellen": ("Fortschrittsbericht erstellen", "Für den Landesvorstand; auch als Rundmail."),
    "/gruppen/replikat-neu-aufbauen": (
        "Gruppen der Aktionsplanung neu aufbauen",
        "Liest die Gruppen-Ereignisse des Verzeichnisses neu ein.",
    ),
    "/kreisverbaende": ("Kreisverbände auflisten", ""),
    "/gruppen": ("Regionalgruppen auflisten", ""),
    "/gruppe": ("Eine Regionalgruppe", "Benannt nach Kennung, Kurzname (auch einem früheren) oder Name."),
    "/beratungsstellen": ("Beratungsstellen auflisten", ""),
    "/beratungsstelle": ("Eine Beratungsstelle", ""),
    "/abdeckung": ("Abdeckung prüfen", "Kreise ohne Stelle, fehlende Anleitung, veraltete Schulungen."),
    "/verteiler": ("Verteiler auflisten", ""),
    "/verteiler/mitglieder": ("Mitglieder eines Verteilers", ""),
    "/verteiler/anfragen": ("Offene Anfragen eines Verteilers", ""),
    "/verteiler/protokoll": ("Protokoll eines Verteilers", ""),
    "/versand": ("Stand des Mailversands", ""),
    "/aktionen": ("Aktionen auflisten", ""),
    "/aktion": ("Eine Aktion", ""),
    "/arbeitsplan": ("Arbeitsplan", ""),
    "/fortschritt": ("Fortschrittsberichte auflisten", "Neueste zuerst; Landesvorstand (board) und Landesbüro."),
    "/fortschritt/bericht": (
        "Ein Fortschrittsbericht",
        "Der Bericht eines Zeitraums (period_key aus der Liste); Landesvorstand (board) und Landesbüro.",
    ),
}
