"""Public pages reached from mails: subscribe, confirm, confirm a new address, unsubscribe.

A GET only ever shows a page with a button; the change itself is a POST, because link scanners
follow links. The unsubscribe URL also takes RFC 8058 one-click POSTs from mail programs.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape
from pydantic import ValidationError

from services.gateway.adapters.services import ServiceClient
from shared.contracts import notifications as n
from shared.contracts.german import field_messages
from shared.messaging.rpc import RequestTooLarge, ServiceUnavailable

STATUS = {
    "link_ungueltig": 400,
    "ungueltige_anfrage": 422,
    "ungueltige_eingabe": 422,
    "nicht_gefunden": 404,
    "zu_viele_anfragen": 429,
    "konflikt": 409,
    "nicht_erlaubt": 403,
}


def page(title: str, body: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    html = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
label{{display:block;margin:.75rem 0 .25rem}}input[type=text],input[type=email]{{width:100%;padding:.4rem}}
button{{margin-top:1rem;padding:.5rem 1rem}}</style></head>
<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"""
    return HTMLResponse(html, status_code=status, headers=headers)


def _form(action: str, token: str, label: str) -> str:
    return (
        f'<form method="post" action="{escape(action)}"><input type="hidden" name="token" value="{escape(token)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def router(client: ServiceClient) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def ask(spec, values: dict, title: str):  # noqa: ANN001, ANN202
        try:
            reply = await client.ask(spec, spec.request(**values))
        except ValidationError as exc:
            problems = "".join(f"<li>{escape(m)}</li>" for m in field_messages(exc.errors()).values())
            return None, page(title, f"<p>Die Angaben sind ungültig:</p><ul>{problems}</ul>", 422)
        except ServiceUnavailable:
            return None, page(
                title,
                "<p>Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.</p>",
                503,
                {"Retry-After": "5"},
            )
        except RequestTooLarge as exc:
            return None, page(title, f"<p>{escape(exc.message)}</p>", 413)
        if not reply.ok:
            return None, page(title, f"<p>{escape(reply.error.message)}</p>", STATUS.get(reply.error.code, 400))
        return reply.data, None

    @r.get("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe_form(list_id: str) -> HTMLResponse:
        return page(
            "Verteiler abonnieren",
            f"""<form method="post" action="/abonnieren/{escape(list_id)}">
<label for="name">Name (freiwillig)</label><input type="text" id="name" name="name" maxlength="100">
<label for="adresse">E-Mail-Adresse</label><input type="email" id="adresse" name="adresse" required>
<p>Sie erhalten eine E-Mail mit einem Bestätigungslink. Erst mit der Bestätigung werden Sie eingetragen;
abmelden können Sie sich jederzeit über den Link in jeder Nachricht.</p>
<button type="submit">Abonnieren</button></form>""",
        )

    @r.post("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe(list_id: str, request: Request, adresse: str = Form(...), name: str = Form("")) -> HTMLResponse:
        ip = request.client.host if request.client else ""
        data, error = await ask(
            n.SUBSCRIBE, {"list_id": list_id, "address": adresse, "display_name": name, "ip": ip}, "Abonnieren"
        )
        return error or page("Fast geschafft", f"<p>{escape(data.message)}</p>")

    def confirm_pages(path: str, spec, title: str, button: str) -> None:  # noqa: ANN001
        @r.get(path, response_class=HTMLResponse)
        async def show(token: str = "") -> HTMLResponse:
            return page(title, "<p>Bitte bestätigen Sie mit dem Knopf.</p>" + _form(path, token, button))

        @r.post(path, response_class=HTMLResponse)
        async def act(token: str = Form("")) -> HTMLResponse:
            data, error = await ask(spec, {"token": token}, title)
            return error or page(title, f"<p>{escape(data.message)}</p>")

    confirm_pages("/bestaetigen", n.CONFIRM, "Eintragung bestätigen", "Ja, eintragen")
    confirm_pages("/adresse-bestaetigen", n.CONFIRM_ADDRESS, "Neue Adresse bestätigen", "Ja, diese Adresse verwenden")

    @r.get("/abmelden", response_class=HTMLResponse)
    async def unsubscribe_page(token: str = "") -> HTMLResponse:
        data, error = await ask(n.UNSUBSCRIBE_PAGE, {"token": token}, "Abmelden")
        if error:
            return error
        return page(
            "Abmelden",
            f"<p>Die Adresse {escape(data.address_hint)} vom Verteiler „{escape(data.list_name)}“ abmelden?</p>"
            + _form("/abmelden", token, "Ja, abmelden"),
        )

    @r.post("/abmelden", response_class=HTMLResponse)
    async def unsubscribe(request: Request, token: str = "") -> HTMLResponse:
        # RFC 8058: the token is in the URL and the body says "List-Unsubscribe=One-Click"; our own button posts it as a field.
        form = await request.form()
        data, error = await ask(n.UNSUBSCRIBE, {"token": token or str(form.get("token", ""))}, "Abmelden")
        return error or page("Abgemeldet", f"<p>{escape(data.message)}</p>")

    return r
