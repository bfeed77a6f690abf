"""Things named as people name them: a district by its name, an office by its name (and place), a list by its
name, an action by its title, anything by the short id a table shows (its first characters); a full id
(UUID) passes as it is. Groups are resolved by the gateway itself (slug, earlier slug, name or id).

A name that matches nothing is passed on as it is: the service that owns the thing answers for it (a German
404), as the gateway does with group names. Two matches are refused here, with the short ids to choose from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from beratungsnetz.cli.client import USAGE, CliError, Gateway
from beratungsnetz.cli.formats import UUID


def _pick(what: str, text: str, found: Iterable[tuple[str, list[str]]]) -> str:
    """The one id whose names include `text` (case ignored) or that begins with it."""
    wanted = text.strip().casefold()
    candidates = list(found)
    exact = [i for i, names in candidates if wanted in (n.casefold() for n in names if n)]
    matches = exact or [i for i, _ in candidates if wanted and i.casefold().startswith(wanted)]
    unique = list(dict.fromkeys(matches))
    if len(unique) <= 1:
        return unique[0] if unique else text
    shown = ", ".join(u[:8] for u in unique[:6])
    raise CliError(f"{what} „{text}“ ist nicht eindeutig ({shown} …): bitte genauer angeben.", USAGE)


def resolver(what: str, lookup: Callable[[Gateway], Iterable[tuple[str, list[str]]]]) -> Callable[[Gateway, str], str]:
    def resolve(g: Gateway, text: str) -> str:
        return text if UUID.match(text.strip()) else _pick(what, text, lookup(g))

    return resolve


district = resolver(
    "Kreisverband",
    lambda g: ((d["district_id"], [d["name"]]) for d in g.get("/kreisverbaende")["districts"]),
)
office = resolver(
    "Beratungsstelle",
    lambda g: (
        (o["office_id"], [o["name"], f"{o['name']}, {o['city']}", f"{o['name']} ({o['city']})"])
        for o in g.get("/beratungsstellen")["offices"]
    ),
)
mailing_list = resolver(
    "Verteiler",
    lambda g: ((v["list_id"], [v["list_id"], v["name"]]) for v in g.get("/verteiler")["lists"]),
)
action = resolver("Aktion", lambda g: ((a["action_id"], [a["title"]]) for a in g.get("/aktionen")["actions"]))
item = resolver("Arbeitsplan-Punkt", lambda g: ((i["item_id"], [i["text"]]) for i in g.get("/arbeitsplan")["items"]))
token = resolver("Token", lambda g: ((t["id"], [t["name"]]) for t in g.get("/tokens")))


def list_id(g: Gateway, text: str) -> str:
    """A list's short name (`lag-hartz-iv-sachsen`) as it is; otherwise its name."""
    return text if text == text.lower() and " " not in text else mailing_list(g, text)


def request(g: Gateway, liste: str, text: str) -> str:
    if UUID.match(text.strip()):
        return text
    pending = g.get("/verteiler/anfragen", list_id=liste)["requests"]
    return _pick("Anfrage", text, ((r["request_id"], [r["address"]]) for r in pending))


def counsellor(g: Gateway, office_id: str, text: str) -> str:
    if UUID.match(text.strip()):
        return text
    found = g.get("/beratungsstelle", office_id=office_id)["counsellors"]
    return _pick("Berater:in", text, ((c["counsellor_id"], [c["name"], c.get("email") or ""]) for c in found))
