"""German mails from Jinja2 templates: a text body per kind, and HTML made from that text."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

SUBJECTS = {
    "bestaetigen": "Bitte bestätigen: Eintrag in „{list_name}“",
    "adresse_bestaetigen": "Bitte bestätigen: neue Adresse für „{list_name}“",
    "willkommen": "Willkommen im Verteiler „{list_name}“",
    "moderation": "Anfrage wartet auf Moderation: „{list_name}“",
    "abgelehnt": "Ihre Anfrage für „{list_name}“",
    "beitrag": "[{list_name}] {subject}",
    "einladung": "Einladung: {title} ({date})",
    "aktion": "{headline}",
    "antwort": "{answering} hat {answer_word}: {title}",
    "bericht": "{headline}",
    "arbeitsplan": "{headline}",
    "fortschritt": "Fortschrittsbericht {since} – {until}",
    "hinweis": "{headline}",
    "zusammenfassung": "Zusammenfassung „{list_name}“ ({count})",
    "anmelden": "Ihr Anmeldelink für das Beratungsnetz",
    "verwalten": "Ihr Link zu „Meine Verteiler“",
    "bereits_eingetragen": "Sie sind bereits im Verteiler „{list_name}“",
    "adressen_bestaetigen": "Bitte bestätigen: neue Adresse für Ihre Verteiler",
    "unzustellbar": "Zustellung ausgesetzt: {address} in „{list_name}“",
    "persoenlich": "{subject}",  # written by the service that asked for the mail
    "beitrag_wartet": "Beitrag wartet auf Freigabe: „{list_name}“",
    "beitrag_erinnerung": "Erinnerung: Beitrag wartet auf Freigabe – „{list_name}“",
    "beitrag_zurueckgehalten": "Ihr Beitrag an „{list_name}“ wartet auf die Moderation",
    "beitrag_abgelehnt": "Ihr Beitrag an „{list_name}“ wurde nicht weitergegeben",
    "beitrag_abgelaufen": "Ihr Beitrag an „{list_name}“ ist verfallen",
    "beitrag_unlesbar": "Ihre Mail an „{list_name}“ konnte nicht verarbeitet werden",
    "abmelden_bestaetigen": "Bitte bestätigen: Abmeldung vom Verteiler „{list_name}“",
    "hilfe": "Hilfe zum Verteiler „{list_name}“",
}
_URL = re.compile(r"https?://[^\s<>\"]+")
# What a stranger typed (a subscriber's name on the public form) and a mail shows a moderator: never a link.
STRANGER_TEXT = frozenset(
    {"display_name", "post_subject", "sender", "bounce_said"}
)  # issue 20: a post's subject and sender; bounce_said: what a remote mail server answered
# After each of these characters a WORD JOINER (U+2060): invisible, no line break, and no mail program's autolinker
# sees "www.x", "x.org", "https://" or "a@b" across it - nor does the HTML part's own `linkify`.
_LINK_PARTS = re.compile(r"[.:/@\\\u3002\uff0e\uff61\uff1a\uff0f]")
JOINER = "\u2060"


def unlinkable(value: str) -> str:
    """A stranger's text, quoted, with a WORD JOINER after each dot, colon, slash and @: no link pattern is left."""
    return f"„{_LINK_PARTS.sub(lambda m: m.group(0) + JOINER, value)}“" if value else value


def _linkify(text: str) -> Markup:
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped).replace("\n", "<br>\n"))  # noqa: S704 - the text was escaped just above; only our own <a>/<br> are added


@cache
def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("services.notifications.adapters", "templates"),
        autoescape=autoescape,  # noqa: S701 - plain-text mail templates: HTML escaping would garble them
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["linkify"] = _linkify
    return env


def render(kind: str, **context: object) -> tuple[str, str, str]:
    """(subject, text, html) for one recipient; the values named in STRANGER_TEXT are shown `unlinkable`."""
    context = {key: unlinkable(str(value)) if key in STRANGER_TEXT else value for key, value in context.items()}
    subject = SUBJECTS[kind].format(**context)
    text = _env(False).get_template(f"{kind}.txt.j2").render(**context).strip() + "\n"
    if context.get("unsubscribe_url"):
        text += f"\n-- \nAbmelden vom Verteiler „{context['list_name']}“: {context['unsubscribe_url']}\n"
        if context.get("manage_url"):
            text += f"Meine Verteiler (alle Ihre Verteiler, Zustellart, Adresse): {context['manage_url']}\n"
    paragraphs = [p for p in text.split("\n\n") if p.strip() and not p.startswith("-- ")]
    html = (
        _env(True)
        .get_template("layout.html.j2")
        .render(
            subject=subject,
            paragraphs=paragraphs,
            unsubscribe_url=context.get("unsubscribe_url", ""),
            manage_url=context.get("manage_url", ""),
            list_name=context.get("list_name", ""),
        )
    )
    return subject, text, html
