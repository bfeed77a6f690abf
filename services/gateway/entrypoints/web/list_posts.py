"""The moderation's pages for posts by mail (issue 20): held posts to decide, and the list's rules for writing.

Like the other moderation pages, each asks the notifications service, which checks again who may do what. A held
post is picked by its row's button (no id to type); rejecting takes a reason that goes to the sender by mail.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import moderation as words
from services.gateway.domain.moderation import notice_lines
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.moderation import ask, base, moderator_of_list, the_list
from services.gateway.entrypoints.web.render import page, redirect
from shared.contracts import notifications as n


def router() -> APIRouter:
    r = APIRouter(prefix="/moderation", include_in_schema=False)
    moderator = Depends(moderator_of_list)

    async def held_page(
        request: Request, list_id: str, errors: dict[str, str] | None = None, reason: str = "", status: int = 200
    ) -> Response:
        listed = await the_list(request, list_id)
        held = await ask(request, n.HELD_POSTS, list_id=list_id)
        return page(
            request,
            "moderation/beitraege",
            f"Beiträge zur Freigabe – {listed.name}",
            status,
            mailing_list=listed,
            base=base(list_id),
            posts=held.posts,
            errors=errors or {},
            reason=reason,
            words=words,
        )

    @r.get("/{list_id}/beitraege", response_class=HTMLResponse)
    async def held_get(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        return await held_page(request, list_id)

    @r.post("/{list_id}/beitraege", response_class=HTMLResponse)
    async def held_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        reason = str(form.get("grund", "")).strip()
        chosen = [(d, str(form.get(d))) for d in words.POST_DECISIONS if form.get(d)]
        if len(chosen) != 1:
            return await held_page(
                request, list_id, {"grund": "Bitte wählen Sie in einer Zeile, was geschehen soll."}, reason, 422
            )
        decision, post_id = chosen[0]
        if decision == "ablehnen" and not reason:
            errors = {
                "grund": "Bitte schreiben Sie eine Begründung: Sie geht per E-Mail an die Person, die geschrieben hat."
            }
            return await held_page(request, list_id, errors, reason, 422)
        waiting = {p.post_id: p for p in (await ask(request, n.HELD_POSTS, list_id=list_id)).posts}
        known = waiting.get(post_id)
        who = f"„{known.subject or '(ohne Betreff)'}“ von {known.sender}" if known else "Der Beitrag"
        try:
            await ask(
                request,
                n.DECIDE_POST,
                list_id=list_id,
                post_id=post_id,
                decision=decision,
                reason=reason if decision == "ablehnen" else "",
            )
        except PageError as exc:
            if exc.status in (403,):
                raise
            return redirect(
                f"{base(list_id)}/beitraege", notice_lines("Nicht entschieden.", [f"{who}: {exc.message}"]), request
            )
        return redirect(f"{base(list_id)}/beitraege", f"{who}: {words.POST_DECISIONS[decision][1]}.", request)

    async def rules_page(
        request: Request,
        list_id: str,
        values: dict | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        listed = await the_list(request, list_id)
        shown = values or (listed.posting or n.PostingV1()).model_dump()
        return page(
            request,
            "moderation/schreiben",
            f"Schreiben an den Verteiler – {listed.name}",
            status,
            mailing_list=listed,
            base=base(list_id),
            values=shown,
            checked_rules=[flag for flag in words.HOLDS if shown.get(flag) is True],
            errors=errors or {},
            words=words,
        )

    @r.get("/{list_id}/schreiben", response_class=HTMLResponse)
    async def rules_get(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        return await rules_page(request, list_id)

    @r.post("/{list_id}/schreiben", response_class=HTMLResponse)
    async def rules_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        values: dict = {"posters": str(form.get("posters", "")), "strangers": str(form.get("strangers", ""))}
        values |= {flag: flag in form.getlist("regeln") for flag in words.HOLDS}
        errors = {}
        for name, field in (("max_kilobytes", "groesse"), ("max_recipients", "empfaenger")):
            text = str(form.get(field, "")).strip()
            values[name] = text
            if not text.isdigit() or not 1 <= int(text) <= (50_000 if field == "groesse" else 1000):
                errors[field] = "Bitte geben Sie eine ganze Zahl zwischen 1 und " + (
                    "50000 ein." if field == "groesse" else "1000 ein."
                )
        if values["posters"] not in words.POSTERS:
            errors["posters"] = "Bitte wählen Sie, wer an den Verteiler schreiben darf."
        if values["strangers"] not in words.STRANGERS:
            errors["strangers"] = "Bitte wählen Sie, was mit Beiträgen von Nicht-Mitgliedern geschieht."
        if errors:
            return await rules_page(request, list_id, values, errors, 422)
        posting = n.PostingV1(**values | {k: int(values[k]) for k in ("max_kilobytes", "max_recipients")})
        await ask(request, n.UPDATE_POSTING, list_id=list_id, posting=posting)
        return redirect(f"{base(list_id)}/schreiben", "Die Regeln für Beiträge per E-Mail sind gespeichert.", request)

    return r
